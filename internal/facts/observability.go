package facts

// Observability is whether the cluster is measured: its metrics API, what Prometheus scrapes
// of it, and the DaemonSets that could be its log or event agents. Its fields are facts paths
// of their own ("observability.metricsAPI" …): the Prometheus part is written by a collector
// that runs only when a Prometheus is configured.
type Observability struct {
	// MetricsAPI is the state of the metrics.k8s.io API (v1beta1.metrics.k8s.io).
	MetricsAPI *APIService `json:"metricsAPI,omitempty"`
	// SchedulableNodes counts the nodes that are not cordoned: where a node agent must run.
	SchedulableNodes *int `json:"schedulableNodes,omitempty"`
	// DaemonSets are every DaemonSet, in a compact form, sorted by namespace and name (null
	// when the observability collector did not write them): the
	// rules find log and event agents among them by name (params).
	DaemonSets []DaemonSet `json:"daemonSets"`
	// Prometheus is what the configured Prometheus scrapes of the cluster; nil when no
	// Prometheus was queried for it.
	Prometheus *Scrapes `json:"prometheus,omitempty"`
}

// APIService is the state of an aggregated API.
type APIService struct {
	// Name is the APIService's name, e.g. v1beta1.metrics.k8s.io.
	Name string `json:"name"`
	// Registered is false when no such APIService exists (the API is not served).
	Registered bool `json:"registered"`
	// Service is "NAMESPACE/NAME" of the backing Service; empty for a local API.
	Service string `json:"service,omitempty"`
	// Available is the status of the Available condition: True, False, or Unknown (also when
	// the condition is missing); Reason and Message are the condition's.
	Available string `json:"available,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Message   string `json:"message,omitempty"`
}

// DaemonSet is a DaemonSet by name and rollout counts.
type DaemonSet struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// AppName is the app.kubernetes.io/name label (else the app or k8s-app label).
	AppName string `json:"appName,omitempty"`
	// Desired is status.desiredNumberScheduled, Ready status.numberReady.
	Desired int32 `json:"desired"`
	Ready   int32 `json:"ready"`
}

// Scrapes is Prometheus's up series for the cluster, per scrape job.
type Scrapes struct {
	// Selector is the label matcher that picks the cluster's series (empty: all series).
	Selector string `json:"selector,omitempty"`
	// Jobs are every job with an up series, sorted by name.
	Jobs []ScrapeJob `json:"jobs"`
}

// ScrapeJob counts a job's targets and those up (up == 1).
type ScrapeJob struct {
	Job     string `json:"job"`
	Targets int    `json:"targets"`
	Up      int    `json:"up"`
}
