package collectors

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
)

// CostConfig configures capacity detection and pricing.
type CostConfig struct {
	// Prices is the price table (embedded defaults plus overrides); nil means the defaults.
	Prices *pricing.Table
	// Reservations cover matching on-demand nodes first.
	Reservations []pricing.Reservation
	// SpotLabels are extra KEY=VALUE node labels that mean spot capacity.
	SpotLabels map[string]string
	// SpotFallbackDiscount prices a spot node whose row has no spot price at
	// on-demand × (1 − discount). It is only a fallback: spot discounts vary widely.
	SpotFallbackDiscount float64
	// CPURAMRatio is how many times one core costs more than one GiB of RAM when a node's
	// price is split (OpenCost-compatible; default DefaultCPURAMRatio).
	CPURAMRatio float64
}

// DefaultCPURAMRatio is OpenCost's default CPU to RAM price ratio: 0.031611 $/vCPU-hour over
// 0.004237 $/GiB-hour (OpenCost default custom pricing).
const DefaultCPURAMRatio = 0.031611 / 0.004237

// DefaultSpotFallbackDiscount is used for spot nodes whose price row has no spot price.
const DefaultSpotFallbackDiscount = 0.6

// Cost computes capacity types, node prices and the cost allocation.
type Cost struct{ Config CostConfig }

// Name implements Collector.
func (Cost) Name() string { return "cost" }

// Writes implements Writer.
func (Cost) Writes() []string { return []string{"cost"} }

// Collect implements Collector. It reads no API beyond the pods the other collectors listed.
func (x Cost) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	pods, err := t.Pods(ctx)
	if err != nil {
		return err
	}
	cfg := x.Config
	if cfg.Prices == nil {
		if cfg.Prices, err = pricing.Default(); err != nil {
			return err
		}
	}
	c.Cost = ComputeCost(c.Nodes, pods, t.shared.podUsage, cfg)
	return nil
}

// CapacityType tells spot, on-demand, reserved or unknown from node labels (first match
// wins), else on-demand when the node has a cloud provider ID, else unknown.
func CapacityType(n facts.Node, spotLabels map[string]string) (typ, source string) {
	l := n.Labels
	if v, ok := l["karpenter.sh/capacity-type"]; ok {
		switch v {
		case "spot", "on-demand", "reserved":
			return v, "karpenter.sh/capacity-type"
		}
	}
	if v, ok := l["eks.amazonaws.com/capacityType"]; ok {
		switch v {
		case "SPOT":
			return facts.CapacitySpot, "eks.amazonaws.com/capacityType"
		case "ON_DEMAND":
			return facts.CapacityOnDemand, "eks.amazonaws.com/capacityType"
		}
	}
	if l["cloud.google.com/gke-spot"] == "true" {
		return facts.CapacitySpot, "cloud.google.com/gke-spot"
	}
	switch l["cloud.google.com/gke-provisioning"] {
	case "spot":
		return facts.CapacitySpot, "cloud.google.com/gke-provisioning"
	case "standard":
		return facts.CapacityOnDemand, "cloud.google.com/gke-provisioning"
	}
	if l["cloud.google.com/gke-preemptible"] == "true" {
		return facts.CapacitySpot, "cloud.google.com/gke-preemptible"
	}
	if l["kubernetes.azure.com/scalesetpriority"] == "spot" {
		return facts.CapacitySpot, "kubernetes.azure.com/scalesetpriority"
	}
	if l["lifecycle"] == "EC2Spot" {
		return facts.CapacitySpot, "lifecycle"
	}
	for _, k := range sortedKeys(spotLabels) {
		if v, ok := l[k]; ok && v == spotLabels[k] {
			return facts.CapacitySpot, k
		}
	}
	if n.ProviderID != "" {
		return facts.CapacityOnDemand, "provider-id"
	}
	return facts.CapacityUnknown, ""
}

func firstLabel(l map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := l[k]; v != "" {
			return v
		}
	}
	return ""
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// ComputeCost prices nodes and allocates their cost to namespaces. usage maps "NS/POD" to
// actual usage (nil when unavailable: requests alone are used).
func ComputeCost(nodes []facts.Node, pods []*corev1.Pod, usage map[string]facts.Resources, cfg CostConfig) *facts.Cost {
	ratio := cfg.CPURAMRatio
	if ratio <= 0 {
		ratio = DefaultCPURAMRatio
	}
	out := &facts.Cost{HourlyByCapacityType: map[string]float64{}, Unpriced: []string{}, Namespaces: []facts.NamespaceCost{}}
	reserved := map[string]int{} // reservation name → nodes covered so far
	byName := map[string]*facts.NodeCost{}
	for _, n := range nodes { // nodes arrive sorted by name: reservations cover deterministically
		nc := facts.NodeCost{
			Name:         n.Name,
			InstanceType: firstLabel(n.Labels, "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"),
			Region:       firstLabel(n.Labels, "topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"),
			Zone:         firstLabel(n.Labels, "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"),
		}
		nc.CapacityType, nc.CapacitySource = CapacityType(n, cfg.SpotLabels)
		row, priced := cfg.Prices.Lookup(nc.InstanceType, nc.Region)
		var price float64
		switch nc.CapacityType {
		case facts.CapacityOnDemand:
			for _, r := range cfg.Reservations {
				if r.InstanceType == nc.InstanceType && r.Region == nc.Region && reserved[r.Name] < r.Count {
					reserved[r.Name]++
					nc.CapacityType, nc.CapacitySource, nc.Reservation = facts.CapacityReserved, "reservation", r.Name
					price, priced = r.HourlyRate, true
					nc.PriceSource = "reservation " + r.Name
					break
				}
			}
			if nc.Reservation == "" && priced {
				price, nc.PriceSource = row.OnDemand, row.Source+" ("+row.Date+")"
			}
		case facts.CapacityReserved:
			if priced {
				price, nc.PriceSource = row.OnDemand, "on-demand price, no reservation declared: "+row.Source
			}
		case facts.CapacitySpot:
			if priced && row.Spot != nil {
				price, nc.PriceSource = *row.Spot, row.Source+" ("+row.Date+")"
			} else if priced {
				d := cfg.SpotFallbackDiscount
				price = row.OnDemand * (1 - d)
				nc.PriceSource = fmt.Sprintf("on-demand × (1 − %.0f%% spot fallback discount): %s", 100*d, row.Source)
			}
		default:
			priced = false
		}
		if priced && price > 0 {
			p := round6(price)
			nc.Hourly = &p
			cpu := float64(n.Capacity.CPUMillis) / 1000
			ram := float64(n.Capacity.MemoryBytes) / (1 << 30)
			if cpu*ratio+ram > 0 {
				nc.RAMHourly = round6(price / (cpu*ratio + ram))
				nc.CPUHourly = round6(nc.RAMHourly * ratio)
			}
			out.HourlyByCapacityType[nc.CapacityType] = round6(out.HourlyByCapacityType[nc.CapacityType] + price)
			out.Hourly += price
		} else {
			out.Unpriced = append(out.Unpriced, n.Name)
		}
		out.Nodes = append(out.Nodes, nc)
	}
	for i := range out.Nodes {
		byName[out.Nodes[i].Name] = &out.Nodes[i]
	}

	ns := map[string]*facts.NamespaceCost{}
	sorted := slices.Clone(pods)
	slices.SortFunc(sorted, func(a, b *corev1.Pod) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	var allocated float64
	intolerant := map[string]bool{}
	for _, p := range sorted {
		node, ok := byName[p.Spec.NodeName]
		if !ok {
			continue // not scheduled: no cost yet
		}
		req, _ := PodRequests(p)
		if InterruptionTolerant(p) {
			out.Spot.TolerantCPUMillis += req.CPUMillis
			if node.CapacityType == facts.CapacitySpot {
				out.Spot.TolerantSpotCPUMillis += req.CPUMillis
			}
		} else {
			out.Spot.IntolerantCPUMillis += req.CPUMillis
			if node.CapacityType == facts.CapacitySpot {
				out.Spot.IntolerantSpotCPUMillis += req.CPUMillis
				kind, name := Workload(p)
				intolerant[p.Namespace+"/"+kind+"/"+name] = true
			}
		}
		n := ns[p.Namespace]
		if n == nil {
			n = &facts.NamespaceCost{Name: p.Namespace}
			ns[p.Namespace] = n
		}
		if node.Hourly == nil {
			n.UnpricedPods++
			continue
		}
		use := usage[p.Namespace+"/"+p.Name]
		cpu := float64(max(req.CPUMillis, use.CPUMillis)) / 1000
		ram := float64(max(req.MemoryBytes, use.MemoryBytes)) / (1 << 30)
		n.CPU += cpu * node.CPUHourly
		n.RAM += ram * node.RAMHourly
	}
	for _, n := range ns {
		n.CPU, n.RAM = round6(n.CPU), round6(n.RAM)
		n.Hourly = round6(n.CPU + n.RAM)
		allocated += n.Hourly
		out.Namespaces = append(out.Namespaces, *n)
	}
	slices.SortFunc(out.Namespaces, func(a, b facts.NamespaceCost) int { return cmp.Compare(a.Name, b.Name) })
	for _, k := range slices.Sorted(maps.Keys(intolerant)) {
		if len(out.Spot.IntolerantOnSpot) < 5 {
			out.Spot.IntolerantOnSpot = append(out.Spot.IntolerantOnSpot, strings.Replace(k, "/", " ", 1))
		}
	}
	out.Hourly = round6(out.Hourly)
	out.Monthly = round6(out.Hourly * facts.HoursPerMonth)
	out.IdleHourly = round6(max(0, out.Hourly-allocated))
	return out
}
