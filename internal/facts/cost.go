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
	// --- second wave (issue 18) ---
	// Currency of every amount ("USD" unless a user price file says otherwise).
	Currency string `json:"currency"`
	// Basis is how pod cost was allocated: BasisUsage or BasisRequests.
	Basis string `json:"basis"`
	// Window is the usage averaging window with BasisUsage ("24h").
	Window string `json:"window,omitempty"`
	// NodesByCapacityType counts nodes per capacity type (priced or not).
	NodesByCapacityType map[string]int `json:"nodesByCapacityType"`
	// SpotNodeShare is the share of priced node cost on spot capacity (0..1).
	SpotNodeShare float64 `json:"spotNodeShare"`
	// IdleShare is IdleHourly / Hourly (0 when Hourly is 0).
	IdleShare float64 `json:"idleShare"`
	// IdleDistribution is IdleNone or IdleByShare.
	IdleDistribution string `json:"idleDistribution"`
	// SharedNamespaces are the namespaces whose cost is spread over the others by share
	// (kube-system, monitoring, … by parameter); empty: none.
	SharedNamespaces []string `json:"sharedNamespaces"`
	// VolumesHourly sums the priced persistent volumes.
	VolumesHourly float64 `json:"volumesHourly"`
	// Volumes are the cluster's persistent volumes priced by storage class.
	Volumes []VolumeCost `json:"volumes"`
	// Workloads is the allocation per controller (Deployment, StatefulSet, …), with what
	// the savings rules need: per-container requests, p95 usage and unit prices, and
	// whether the workload could move to spot.
	Workloads []WorkloadCost `json:"workloads"`
	// Teams rolls namespaces up by the team label (CostConfig), sorted by name.
	Teams []TeamCost `json:"teams"`
	// NodeGroups rolls nodes up by node group / node pool.
	NodeGroups []NodeGroupCost `json:"nodeGroups"`
	// Reservations are the declared reservations and savings plans with their use.
	Reservations []ReservationUse `json:"reservations"`
	// LoadBalancers are Services of type LoadBalancer with their ready endpoint count and
	// price (abandoned when they have no endpoints).
	LoadBalancers []LoadBalancerCost `json:"loadBalancers"`
	// Budgets are the configured budgets that apply to this cluster with their forecast.
	Budgets []BudgetStatus `json:"budgets"`
	// StalePrices names the price rows older than the pricing max age that priced a node
	// ("INSTANCE-TYPE REGION DATE"), sorted.
	StalePrices []string `json:"stalePrices"`
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
	// --- second wave (issue 18) ---
	// NodeGroup is the node group / node pool (EKS, Karpenter, GKE, AKS labels), or "".
	NodeGroup string `json:"nodeGroup,omitempty"`
	// Family is the instance family (m5, n2-standard, Standard_D…s_v5), or "".
	Family string `json:"family,omitempty"`
	// PriceDate is the date of the price row used (YYYY-MM-DD), or "".
	PriceDate string `json:"priceDate,omitempty"`
	// OnDemandHourly and SpotHourly are the list prices of the node's type in its region
	// whatever it runs as (nil when unknown): the savings rules compare them.
	OnDemandHourly *float64 `json:"onDemandHourly,omitempty"`
	SpotHourly     *float64 `json:"spotHourly,omitempty"`
	// GPUs and GPUHourly: the node's GPUs (nvidia.com/gpu, amd.com/gpu) and the per-GPU-hour
	// unit price its price splits into.
	GPUs      int64   `json:"gpus,omitempty"`
	GPUHourly float64 `json:"gpuHourly,omitempty"`
	// AllocatedHourly is the part of the node's price allocated to pods; the rest is idle.
	AllocatedHourly float64 `json:"allocatedHourly"`
}

// NamespaceCost is one namespace's hourly allocation.
type NamespaceCost struct {
	Name   string  `json:"name"`
	CPU    float64 `json:"cpu"`
	RAM    float64 `json:"ram"`
	Hourly float64 `json:"hourly"`
	// UnpricedPods counts pods on unpriced nodes (not included in the figures).
	UnpricedPods int `json:"unpricedPods"`
	// --- second wave (issue 18) ---
	GPU float64 `json:"gpu"`
	PV  float64 `json:"pv"`
	// Idle is the idle cost spread onto the namespace (IdleByShare), else 0.
	Idle float64 `json:"idle"`
	// Shared is the cost of the shared namespaces spread onto this one; a shared namespace
	// itself has Total 0.
	Shared float64 `json:"shared"`
	// Total = Hourly + Idle + Shared (0 for a shared namespace whose cost was spread).
	Total float64 `json:"total"`
	// Team is the namespace's team label value, or "".
	Team string `json:"team,omitempty"`
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

// Cost allocation bases (Cost.Basis).
const (
	// BasisUsage allocates max(request, usage) averaged over Cost.Window (Prometheus), the
	// OpenCost rule.
	BasisUsage = "usage"
	// BasisRequests allocates requests at the time of the audit (no usage source).
	BasisRequests = "requests"
)

// Idle cost distributions (Cost.IdleDistribution).
const (
	IdleNone    = "none"  // idle stays a line of its own
	IdleByShare = "share" // idle is spread over namespaces by their share of allocated cost
)

// VolumeCost is one PersistentVolume priced by its storage class.
type VolumeCost struct {
	Name         string `json:"name"`
	StorageClass string `json:"storageClass"`
	// Claim is NAMESPACE/NAME of the bound claim, "" when unbound (Available/Released).
	Claim     string  `json:"claim,omitempty"`
	Phase     string  `json:"phase"`
	SizeBytes int64   `json:"sizeBytes"`
	Hourly    float64 `json:"hourly"`
	// PriceSource names the storage price row, "" when the class is unpriced.
	PriceSource string `json:"priceSource,omitempty"`
}

// WorkloadCost is one controller's allocation and its savings inputs.
type WorkloadCost struct {
	Namespace string  `json:"namespace"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	Replicas  int     `json:"replicas"`
	Hourly    float64 `json:"hourly"`
	// OnDemandHourly is the part of Hourly on on-demand (not reserved) nodes, and
	// SpotHourlyIfMoved what that part would cost at the same nodes' spot prices.
	OnDemandHourly    float64 `json:"onDemandHourly"`
	SpotHourlyIfMoved float64 `json:"spotHourlyIfMoved"`
	// SpotReady: replicas >= 2, a PDB covers it, no local storage (emptyDir on disk is
	// fine, hostPath/local PVs are not), interruption-tolerant (not a StatefulSet, no
	// fleetaudit.io/interruption-tolerant: "false"). NotSpotReady says why not.
	SpotReady    bool            `json:"spotReady"`
	NotSpotReady []string        `json:"notSpotReady"`
	Containers   []ContainerCost `json:"containers"`
}

// ContainerCost is one container of a workload: its requests per pod, its p95 usage per
// pod over the window (nil without Prometheus), and the average unit prices of the nodes
// its pods run on.
type ContainerCost struct {
	Name      string     `json:"name"`
	Requests  Resources  `json:"requests"`
	P95       *Resources `json:"p95,omitempty"`
	CPUHourly float64    `json:"cpuHourly"` // per core-hour
	RAMHourly float64    `json:"ramHourly"` // per GiB-hour
}

// TeamCost is the namespaces of one team.
type TeamCost struct {
	Name       string   `json:"name"`
	Namespaces []string `json:"namespaces"`
	Hourly     float64  `json:"hourly"` // sum of the namespaces' Total
}

// NodeGroupCost is one node group's nodes and use.
type NodeGroupCost struct {
	Name         string  `json:"name"`
	CapacityType string  `json:"capacityType"`
	Nodes        int     `json:"nodes"`
	Hourly       float64 `json:"hourly"`
	// Allocatable, Requests and (with a usage source) Usage summed over its nodes.
	Allocatable Resources  `json:"allocatable"`
	Requests    Resources  `json:"requests"`
	Usage       *Resources `json:"usage,omitempty"`
}

// ReservationUse is one declared reservation or savings plan and how much of it is used.
type ReservationUse struct {
	Name string `json:"name"`
	// Kind is "reserved-instance", "savings-plan" or "committed-use".
	Kind         string `json:"kind"`
	InstanceType string `json:"instanceType,omitempty"`
	Family       string `json:"family,omitempty"`
	Region       string `json:"region,omitempty"`
	// Count reserved and Used by running nodes (instance reservations).
	Count int `json:"count,omitempty"`
	Used  int `json:"used"`
	// HourlyRate is the effective rate per instance (or the plan's hourly commitment);
	// UnusedHourly is what is paid for and not used.
	HourlyRate   float64 `json:"hourlyRate"`
	UnusedHourly float64 `json:"unusedHourly"`
	// Utilisation is used / reserved (0..1).
	Utilisation float64 `json:"utilisation"`
}

// LoadBalancerCost is one Service of type LoadBalancer.
type LoadBalancerCost struct {
	Namespace string  `json:"namespace"`
	Name      string  `json:"name"`
	Endpoints int     `json:"endpoints"`
	Hourly    float64 `json:"hourly"`
}

// BudgetStatus is one budget (cluster, namespace or team) and its forecast.
type BudgetStatus struct {
	// Scope is "cluster", "namespace" or "team"; Name the namespace or team ("" for cluster).
	Scope string `json:"scope"`
	Name  string `json:"name,omitempty"`
	// Monthly is the budget; Forecast the cost forecast to month end: month-to-date (from
	// usage history when known, else the current rate × hours elapsed) plus the current
	// hourly rate × hours left in the month.
	Monthly     float64 `json:"monthly"`
	MonthToDate float64 `json:"monthToDate"`
	Forecast    float64 `json:"forecast"`
	// Basis says how MonthToDate was found: "prometheus" or "run-rate".
	Basis string `json:"basis"`
}
