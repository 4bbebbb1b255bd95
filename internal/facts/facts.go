// Package facts defines the facts document: the plain-data contract between collectors and
// rules. A facts.Cluster is what one audit knows about one cluster; Rego sees it as
// input.cluster and a fleet snapshot is a directory of these documents, one per cluster.
//
// The types hold no client-go values, only JSON-friendly data, so a snapshot audited offline
// gives the same findings as the live cluster it came from. Field documentation lives on the
// fields and in docs/facts.md.
package facts

import (
	"time"
)

// SchemaVersion identifies the layout of Cluster. Bump it when a field changes meaning or is
// removed; adding optional fields keeps it.
const SchemaVersion = "fleetaudit.io/facts/v1alpha1"

// Cluster is everything collected about one cluster in one audit.
type Cluster struct {
	// SchemaVersion is always SchemaVersion for documents this build writes.
	SchemaVersion string `json:"schemaVersion"`
	// Name is the cluster's name in the fleet: the kubeconfig context it was reached through.
	Name string `json:"name"`
	// Server is the API server URL (never credentials).
	Server string `json:"server,omitempty"`
	// UID is the UID of the kube-system namespace, a stable identity for the cluster.
	UID string `json:"uid,omitempty"`
	// CollectedAt is when collection started (UTC).
	CollectedAt time.Time `json:"collectedAt"`
	// Version is the API server's version; nil when it could not be read.
	Version *Version `json:"version,omitempty"`
	// Nodes lists every node, sorted by name.
	Nodes []Node `json:"nodes"`
	// RBAC is filled by the rbac collector; nil when it did not run.
	RBAC *RBAC `json:"rbac,omitempty"`
	// Usage is filled by the usage collector.
	Usage *Usage `json:"usage,omitempty"`
	// Cost is filled by the cost collector.
	Cost *Cost `json:"cost,omitempty"`
	// Upgrade is filled by the upgrade collector.
	Upgrade *Upgrade `json:"upgrade,omitempty"`
	// CIS is filled by the cis collector when a CIS source is configured for the cluster.
	CIS *CIS `json:"cis,omitempty"`
	// Workloads is filled by the workloads collector: pod templates, namespaces and
	// NetworkPolicies for the workload posture rules; nil when it did not run (older snapshots).
	Workloads *Workloads `json:"workloads,omitempty"`
	// Autoscaling is filled by the autoscaling collector: HPAs, VPAs, Karpenter NodePools and
	// the cluster autoscaler; nil when it did not run.
	Autoscaling *Autoscaling `json:"autoscaling,omitempty"`
	// Observability is filled by the observability collector (metrics API, DaemonSets) and,
	// when a Prometheus is configured, the scrapes collector; nil when neither ran.
	Observability *Observability `json:"observability,omitempty"`
	// Backup is filled by the backup collector: Velero's locations, schedules, backups and
	// restores, and the namespaces with workloads they cover; nil when it did not run.
	Backup *Backup `json:"backup,omitempty"`
	// Certificates is filled by the certificates collector: certificates and CA bundles
	// readable without Secrets, cert-manager state and unissued CSRs; nil when it did not run.
	Certificates *Certificates `json:"certificates,omitempty"`
	// Collection records, per collector, whether it succeeded; see Status.
	Collection []CollectorRun `json:"collection"`
	// Source is set when the facts were built from files (manifests, a rendered Helm chart,
	// a Kustomize overlay) rather than read from a cluster's API; nil for live clusters.
	// Rules that judge API versions read it (removed APIs fail to apply at Version).
	Source *Source `json:"source,omitempty"`
}

// Source describes facts built from files: what was read, and for which Kubernetes version
// the objects are judged.
type Source struct {
	// Kind is "manifests" (YAML/JSON files or a folder), "helm" (a chart rendered with its
	// values) or "kustomize" (a built overlay).
	Kind string `json:"kind"`
	// Path is the file, folder, chart or overlay as given ("-" for stdin).
	Path string `json:"path"`
	// KubeVersion is the Kubernetes version the objects are judged for (--kube-version, else
	// the version of the Kubernetes API types fleetaudit is built with); Cluster.Version is
	// the same version, parsed.
	KubeVersion string `json:"kubeVersion"`
	// Objects is how many objects were read.
	Objects int `json:"objects"`
}

// SourcePaths are the facts paths (Paths) that facts built from files have, besides the
// PresetPaths: the objects' workloads, RBAC and upgrade facts, the version judged for, and
// Source. The rest (nodes, usage, cost, cis, uid) is the state of a live cluster; rules that
// read it are not judged on files.
var SourcePaths = []string{"version", "workloads", "rbac.roles", "rbac.subjects", "rbac.danglingBindings",
	"rbac.serviceAccounts", "upgrade", "source"}

// Version is a parsed Kubernetes version, e.g. v1.34.4 → {1, 34, 4}.
type Version struct {
	GitVersion string `json:"gitVersion"`
	Major      int    `json:"major"`
	Minor      int    `json:"minor"`
	Patch      int    `json:"patch"`
}

// Node is the audit-relevant part of a Kubernetes Node.
type Node struct {
	Name       string            `json:"name"`
	Labels     map[string]string `json:"labels,omitempty"`
	ProviderID string            `json:"providerID,omitempty"`
	// Unschedulable is true when the node is cordoned.
	Unschedulable bool `json:"unschedulable"`
	// KubeletVersion is parsed from status.nodeInfo.kubeletVersion; nil when unparseable.
	KubeletVersion *Version `json:"kubeletVersion,omitempty"`
	// KubeProxyVersion is parsed from status.nodeInfo.kubeProxyVersion (deprecated upstream,
	// often empty); nil when absent.
	KubeProxyVersion *Version    `json:"kubeProxyVersion,omitempty"`
	ContainerRuntime string      `json:"containerRuntime,omitempty"`
	Capacity         Resources   `json:"capacity"`
	Allocatable      Resources   `json:"allocatable"`
	Conditions       []Condition `json:"conditions,omitempty"`
	// Ready is the status of the Ready condition: "True", "False" or "Unknown" (also when
	// the condition is missing).
	Ready string `json:"ready"`
}

// Resources are resource amounts in base units: CPU in millicores, memory and storage in bytes.
type Resources struct {
	CPUMillis        int64 `json:"cpuMillis"`
	MemoryBytes      int64 `json:"memoryBytes"`
	Pods             int64 `json:"pods"`
	EphemeralStorage int64 `json:"ephemeralStorageBytes,omitempty"`
}

// Condition is a node condition without its timestamps (which would make snapshots churn).
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// CollectorRun is the outcome of one collector on one cluster.
type CollectorRun struct {
	Collector string `json:"collector"`
	// Error is empty on success.
	Error string `json:"error,omitempty"`
	// Reason classifies Error: unreachable, credentials (a kubeconfig exec plugin failed),
	// timeout, unauthorized, forbidden, or error.
	Reason          string  `json:"reason,omitempty"`
	DurationSeconds float64 `json:"durationSeconds"`
}

// OK reports whether the collector succeeded.
func (r CollectorRun) OK() bool { return r.Error == "" }
