package facts

// Usage is resource requests, limits, actual usage and quotas, rolled up per namespace, node
// and workload. Amounts are CPU millicores and bytes (see Resources).
type Usage struct {
	// Source of actual usage: "metrics-server", "prometheus", or "unavailable" (then every
	// Usage field below is nil: usage is never guessed).
	Source string `json:"source"`
	// Window is the Prometheus averaging window (e.g. "1h"); empty for metrics-server.
	Window      string           `json:"window,omitempty"`
	Namespaces  []NamespaceUsage `json:"namespaces"`
	Nodes       []NodeUsage      `json:"nodes"`
	Workloads   []WorkloadUsage  `json:"workloads"`
	Quotas      []Quota          `json:"quotas"`
	LimitRanges []LimitRange     `json:"limitRanges"`
	// Totals over Running and Pending pods.
	Requests Resources  `json:"requests"`
	Limits   Resources  `json:"limits"`
	Usage    *Resources `json:"usage,omitempty"`
	// PendingPods counts pods waiting to be scheduled or started.
	PendingPods int `json:"pendingPods"`
}

// NamespaceUsage rolls up the Running and Pending pods of one namespace.
type NamespaceUsage struct {
	Name        string     `json:"name"`
	Pods        int        `json:"pods"`
	PendingPods int        `json:"pendingPods"`
	Requests    Resources  `json:"requests"`
	Limits      Resources  `json:"limits"`
	Usage       *Resources `json:"usage,omitempty"`
	// ContainersWithoutRequests counts containers lacking a CPU or memory request;
	// Examples names up to three as POD/CONTAINER.
	ContainersWithoutRequests int      `json:"containersWithoutRequests"`
	ExamplesWithoutRequests   []string `json:"examplesWithoutRequests,omitempty"`
}

// NodeUsage rolls up the pods bound to one node.
type NodeUsage struct {
	Name     string     `json:"name"`
	Pods     int        `json:"pods"`
	Requests Resources  `json:"requests"`
	Limits   Resources  `json:"limits"`
	Usage    *Resources `json:"usage,omitempty"`
}

// WorkloadUsage rolls up the pods of one controller (Deployment, StatefulSet, DaemonSet, Job,
// or a bare pod's own name).
type WorkloadUsage struct {
	Namespace string     `json:"namespace"`
	Kind      string     `json:"kind"`
	Name      string     `json:"name"`
	Pods      int        `json:"pods"`
	Requests  Resources  `json:"requests"`
	Usage     *Resources `json:"usage,omitempty"`
	// InterruptionTolerant is false for StatefulSets and for pods annotated
	// fleetaudit.io/interruption-tolerant: "false".
	InterruptionTolerant bool `json:"interruptionTolerant"`
}

// Quota is one ResourceQuota with its hard limits and current use, by resource name as
// Kubernetes spells it ("requests.cpu", "pods", …), in base units (CPU in millicores).
type Quota struct {
	Namespace string           `json:"namespace"`
	Name      string           `json:"name"`
	Hard      map[string]int64 `json:"hard"`
	Used      map[string]int64 `json:"used"`
}

// LimitRange summarises one LimitRange: whether it sets container default requests/limits.
type LimitRange struct {
	Namespace       string `json:"namespace"`
	Name            string `json:"name"`
	DefaultRequests bool   `json:"defaultRequests"`
	DefaultLimits   bool   `json:"defaultLimits"`
}
