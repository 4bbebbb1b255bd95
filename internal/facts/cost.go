package facts

// Capacity types of nodes.
const (
	CapacitySpot     = "spot"
	CapacityOnDemand = "on-demand"
	CapacityReserved = "reserved"
	CapacityUnknown  = "unknown"
)

// HoursPerMonth converts hourly to monthly cost (365 × 24 / 12).
const HoursPerMonth = 730.0

// Cost is the capacity mix and cost of a cluster (all money in USD).
type Cost struct {
	Nodes []NodeCost `json:"nodes"`
	// HourlyByCapacityType sums priced nodes' hourly cost per capacity type.
	HourlyByCapacityType map[string]float64 `json:"hourlyByCapacityType"`
	Hourly               float64            `json:"hourly"`
	Monthly              float64            `json:"monthly"`
	// Unpriced names nodes with no price (unknown instance type or region): not free, unknown.
	Unpriced []string `json:"unpriced"`
	// Namespaces is the OpenCost-style allocation: max(request, usage) × unit price.
	Namespaces []NamespaceCost `json:"namespaces"`
	// IdleHourly is priced node cost not allocated to any pod.
	IdleHourly float64 `json:"idleHourly"`
	// Spot share of CPU requests, for workloads that tolerate interruption and those that do not.
	Spot SpotShare `json:"spot"`
}

// NodeCost is one node's capacity type and price.
type NodeCost struct {
	Name         string `json:"name"`
	CapacityType string `json:"capacityType"`
	// CapacitySource says how the type was found (the label, "reservation", "provider-id").
	CapacitySource string `json:"capacitySource"`
	InstanceType   string `json:"instanceType,omitempty"`
	Region         string `json:"region,omitempty"`
	Zone           string `json:"zone,omitempty"`
	// Hourly is nil when the node is unpriced.
	Hourly      *float64 `json:"hourly,omitempty"`
	PriceSource string   `json:"priceSource,omitempty"`
	// Reservation names the user-declared reservation covering the node.
	Reservation string `json:"reservation,omitempty"`
	// CPUHourly and RAMHourly are the unit prices (per core-hour, per GiB-hour) the node's
	// price splits into.
	CPUHourly float64 `json:"cpuHourly,omitempty"`
	RAMHourly float64 `json:"ramHourly,omitempty"`
}

// NamespaceCost is one namespace's hourly allocation.
type NamespaceCost struct {
	Name   string  `json:"name"`
	CPU    float64 `json:"cpu"`
	RAM    float64 `json:"ram"`
	Hourly float64 `json:"hourly"`
	// UnpricedPods counts pods on unpriced nodes (not included in the figures).
	UnpricedPods int `json:"unpricedPods"`
}

// SpotShare is the share of CPU requests placed on spot nodes.
type SpotShare struct {
	TolerantSpotCPUMillis   int64 `json:"tolerantSpotCpuMillis"`
	TolerantCPUMillis       int64 `json:"tolerantCpuMillis"`
	IntolerantSpotCPUMillis int64 `json:"intolerantSpotCpuMillis"`
	IntolerantCPUMillis     int64 `json:"intolerantCpuMillis"`
	// IntolerantOnSpot names up to five interruption-intolerant workloads with pods on spot.
	IntolerantOnSpot []string `json:"intolerantOnSpot,omitempty"`
}
