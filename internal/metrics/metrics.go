// Package metrics exports the last finished fleet audit as Prometheus metrics through a custom
// collector: every audit builds a complete, immutable set of samples that is swapped in
// atomically, so a scrape always sees one whole audit, never blocks on a running one, and
// series of clusters or findings that disappeared are gone. Every series derived from a
// cluster carries the cluster label; there are no per-pod labels, and the one per-object
// family (certificate expiry) is bounded per cluster (see CertificateMaxPerCluster).
package metrics

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// desc describes one metric family; the table below is the single source for names, help and
// labels, and docs/metrics.md is checked against it.
type desc struct {
	name, help string
	labels     []string
}

// Name is the metric name.
func (d desc) Name() string { return d.name }

// Families lists every metric family fleetaudit emits.
var Families = []desc{
	{"fleetaudit_cluster_info", "Cluster metadata (value 1): Kubernetes version, managed platform and audit status.", []string{"cluster", "version", "platform", "status"}},
	{"fleetaudit_findings", "Open findings (deny and warn, not waived) of the last audit by category and severity.", []string{"cluster", "category", "severity"}},
	{"fleetaudit_rule_violations", "Open deny findings (not waived) of the last audit per rule.", []string{"cluster", "rule", "category", "severity"}},
	{"fleetaudit_waived_findings", "Findings of the last audit that a waiver (--waivers) accepts, per rule.", []string{"cluster", "rule", "severity"}},
	{"fleetaudit_pss_violations", "Deny findings of Pod Security Standards controls per namespace (the top namespaces by violations; namespace=\"other\" sums the rest), by level (baseline, restricted) and state (open, waived).", []string{"cluster", "namespace", "level", "state"}},
	{"fleetaudit_control_failed", "Whether a control of a compliance framework failed on the cluster in the last audit (1) or not (0), for every control a rule cites.", []string{"cluster", "framework", "control"}},
	{"fleetaudit_compliance_score_ratio", "Compliance score per framework: passed / evaluated controls (rbac rules, cis scored checks).", []string{"cluster", "framework"}},
	{"fleetaudit_cis_checks", "kube-bench checks by status (PASS, FAIL, WARN, INFO).", []string{"cluster", "benchmark", "status"}},
	{"fleetaudit_rbac_risky_subjects", "Subjects (users, groups, service accounts) with a deny finding of an RBAC risk rule.", []string{"cluster", "risk", "severity"}},
	{"fleetaudit_nodes", "Nodes by capacity type (spot, on-demand, reserved, unknown) and instance type.", []string{"cluster", "capacity_type", "instance_type"}},
	{"fleetaudit_cost_usd_per_hour", "Hourly cost of priced nodes by capacity type, in USD.", []string{"cluster", "capacity_type"}},
	{"fleetaudit_namespace_cost_usd_per_hour", "Hourly cost allocated to a namespace (max of request and usage times unit price), in USD; the top namespaces by cost, namespace=\"other\" sums the rest.", []string{"cluster", "namespace"}},
	{"fleetaudit_idle_cost_usd_per_hour", "Hourly node cost not allocated to any pod, in USD.", []string{"cluster"}},
	{"fleetaudit_unpriced_nodes", "Nodes without a price (their cost is unknown, not zero).", []string{"cluster"}},
	{"fleetaudit_backup_last_success_timestamp_seconds", "Unix time the newest Completed Velero backup of each schedule finished (schedule=\"namespace/name\"; schedules with no completed backup have no series).", []string{"cluster", "schedule"}},
	{"fleetaudit_backup_locations_available", "Velero BackupStorageLocations in phase Available (0: backups cannot be written; no series without Velero).", []string{"cluster"}},
	{"fleetaudit_resource_requests", "Requests of Running and Pending pods by resource (cpu in cores, memory in bytes).", []string{"cluster", "resource", "unit"}},
	{"fleetaudit_resource_allocatable", "Allocatable capacity of the nodes by resource (cpu in cores, memory in bytes).", []string{"cluster", "resource", "unit"}},
	{"fleetaudit_resource_usage", "Actual usage by resource, when a usage source exists (cpu in cores, memory in bytes).", []string{"cluster", "resource", "unit"}},
	{"fleetaudit_quota_utilization_ratio", "ResourceQuota use: used / hard per quota and resource, for the namespaces with the fullest quotas; namespace=\"other\" (quota \"other\") is the highest use among the rest.", []string{"cluster", "namespace", "quota", "resource"}},
	{"fleetaudit_upgrade_ready", "Gate decision for the cluster and profile: 1 ready, 0 not ready.", []string{"cluster", "profile", "target_version"}},
	{"fleetaudit_upgrade_blockers", "What blocks the gate per cluster, profile and rule: a rule ID (its blocking findings), non-waivable:CHECK, or facts (missing or stale).", []string{"cluster", "profile", "rule"}},
	{"fleetaudit_profile_info", "The cluster's place in the profile catalog (value 1): bound profile, the version it is held to and the version it is seen to run (empty: drifted from every version).", []string{"cluster", "profile", "held_to", "runs"}},
	{"fleetaudit_profile_update_available", "1 when the catalog has a newer version of the cluster's bound profile than the one it is held to, else 0.", []string{"cluster", "profile", "newest"}},
	{"fleetaudit_hpa_unable_to_scale", "HorizontalPodAutoscalers whose AbleToScale or ScalingActive condition is False at collection, whatever its age (FA-AS-002 reports those past autoscaling.unable_grace).", []string{"cluster"}},
	{"fleetaudit_observability_coverage", "Whether the cluster has an observability signal (1) or a deny finding of an observability rule says it lacks it (0): metrics_api, log_agent, and kubelet_scrape, apiserver_scrape, ksm_scrape when a Prometheus was queried.", []string{"cluster", "signal"}},
	{"fleetaudit_certificate_expiry_timestamp_seconds", "Unix time a certificate expires (notAfter), by the object and field that hold it (kind Cluster: the API server's serving chain, the kubeconfig's client certificate; a cert-manager Certificate: status.notAfter). Bounded per cluster: certificates expiring within 60 days of collection, plus the 5 soonest, at most 50.", []string{"cluster", "kind", "namespace", "name", "field"}},
	{"fleetaudit_collector_up", "Whether the collector succeeded on the cluster in the last audit (1) or not (0).", []string{"cluster", "collector"}},
	{"fleetaudit_collector_duration_seconds", "Time the collector took on the cluster in the last audit.", []string{"cluster", "collector"}},
	{"fleetaudit_rule_errors", "Rules that could not be evaluated on the cluster in the last audit (1 each), by reason: timeout (--eval-timeout), not-evaluated, cancelled or error.", []string{"cluster", "rule", "reason"}},
	{"fleetaudit_cluster_last_success_timestamp_seconds", "Unix time of the last audit in which the cluster was fully audited.", []string{"cluster"}},
	{"fleetaudit_audit_duration_seconds", "Duration of the last fleet audit (fleet-wide: no cluster label). shard is the part of the fleet the serve replica audits (I/N, --shard), empty when it audits all of it.", []string{"shard"}},
	{"fleetaudit_audit_last_run_timestamp_seconds", "Unix time the last fleet audit finished (fleet-wide: no cluster label). shard as for fleetaudit_audit_duration_seconds: one series per replica.", []string{"shard"}},
}

// Snapshot is what one audit hands to the collector.
type Snapshot struct {
	Facts    map[string]*facts.Cluster
	Audit    *fleet.Audit
	Finished time.Time
	Duration time.Duration
	// Decisions are the gate decisions for every configured profile and targeted cluster.
	Decisions []policy.Decision
	// Rules are the rules evaluated: every control they cite gets a fleetaudit_control_failed
	// series per audited cluster (0 or 1); without them there is none.
	Rules []*policy.Rule
}

type sample struct {
	d      *prometheus.Desc
	value  float64
	labels []string
}

// Collector is the custom collector.
type Collector struct {
	descs   map[string]*prometheus.Desc
	samples atomic.Pointer[[]sample]

	mu          sync.Mutex
	lastSuccess map[string]time.Time

	opts Options
}

// New returns a collector with no samples and the default options.
func New() *Collector {
	return NewWith(Options{TopNamespaces: DefaultTopNamespaces})
}

// NewWith returns a collector with no samples.
func NewWith(o Options) *Collector {
	c := &Collector{descs: map[string]*prometheus.Desc{}, lastSuccess: map[string]time.Time{}, opts: o}
	for _, f := range Families {
		c.descs[f.name] = prometheus.NewDesc(f.name, f.help, f.labels, nil)
	}
	c.samples.Store(&[]sample{})
	return c
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range Families {
		ch <- c.descs[f.name]
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range *c.samples.Load() {
		ch <- prometheus.MustNewConstMetric(s.d, prometheus.GaugeValue, s.value, s.labels...)
	}
}

// Update builds the samples of an audit and swaps them in.
func (c *Collector) Update(s *Snapshot) {
	b := &builder{c: c, topNamespaces: c.opts.TopNamespaces}
	seen := map[[2]string]bool{}
	for _, ru := range s.Rules {
		for _, ctl := range ru.Controls {
			if k := [2]string{ctl.Framework, ctl.ID}; !seen[k] {
				seen[k] = true
				b.controls = append(b.controls, k)
			}
		}
	}
	slices.SortFunc(b.controls, func(x, y [2]string) int { return cmpStr(x[0]+"\x00"+x[1], y[0]+"\x00"+y[1]) })
	for _, r := range s.Audit.Clusters {
		b.cluster(r, s.Facts[r.Cluster])
		if r.Status == facts.StatusOK {
			c.mu.Lock()
			c.lastSuccess[r.Cluster] = r.CollectedAt
			c.mu.Unlock()
		}
	}
	c.mu.Lock()
	for _, cl := range slices.Sorted(maps.Keys(c.lastSuccess)) {
		b.add("fleetaudit_cluster_last_success_timestamp_seconds", float64(c.lastSuccess[cl].Unix()), cl)
	}
	c.mu.Unlock()
	for _, d := range s.Decisions {
		b.add("fleetaudit_upgrade_ready", boolValue(d.Allowed), d.Cluster, d.Profile, d.Target)
		per := map[string]float64{}
		for _, f := range d.Blocking {
			per[f.RuleID]++
		}
		for _, v := range d.Safety {
			per["non-waivable:"+string(v.Check)]++
		}
		if len(per) == 0 && !d.Allowed {
			per["facts"] = 1 // missing or stale facts block, without a rule
		}
		for _, rule := range slices.Sorted(maps.Keys(per)) {
			b.add("fleetaudit_upgrade_blockers", per[rule], d.Cluster, d.Profile, rule)
		}
	}
	b.add("fleetaudit_audit_duration_seconds", s.Duration.Seconds(), c.opts.Shard)
	b.add("fleetaudit_audit_last_run_timestamp_seconds", float64(s.Finished.Unix()), c.opts.Shard)
	c.samples.Store(&b.out)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

type builder struct {
	c   *Collector
	out []sample
	// controls are the [framework, id] pairs the evaluated rules cite, sorted.
	controls [][2]string
	// topNamespaces bounds the namespaces with their own series (Options.TopNamespaces).
	topNamespaces int
}

func (b *builder) add(name string, v float64, labels ...string) {
	b.out = append(b.out, sample{d: b.c.descs[name], value: v, labels: labels})
}

// Handler serves the collector (and nothing else: every series has its cluster label, except
// the two fleet-wide audit metrics) from its own registry.
func Handler(c *Collector) (http.Handler, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	return promhttp.InstrumentMetricHandler(reg, promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		Registry: reg, ErrorHandling: promhttp.ContinueOnError})), reg
}
