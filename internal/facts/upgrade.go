package facts

// Upgrade holds what upgrade readiness needs beyond nodes and usage.
type Upgrade struct {
	// APIServers are the API server instances from their identity leases (kube-system,
	// label apiserver.kubernetes.io/identity=kube-apiserver).
	APIServers []APIServer `json:"apiServers"`
	PDBs       []PDB       `json:"pdbs"`
	// Workloads are Deployments and StatefulSets with their replica counts.
	Workloads []ReplicaWorkload `json:"workloads"`
	// Charts are the Helm charts installed, as the labels Helm puts on the Deployments,
	// StatefulSets and DaemonSets it manages say (helm.sh/chart, meta.helm.sh/release-name):
	// no Secret is read. One entry per release and chart version.
	Charts []InstalledChart `json:"charts"`
	// Images are the container images the Deployments, StatefulSets and DaemonSets run, one
	// entry per namespace and image: how a layer installed without Helm (a managed add-on,
	// plain manifests) is recognised. Absent in snapshots taken before they were collected.
	Images []InstalledImage `json:"images,omitempty"`
	// HelmReleases is nil when Helm releases were not collected (--helm-releases).
	HelmReleases []HelmRelease `json:"helmReleases,omitempty"`
	// APIUse lists objects written (kubectl apply's last-applied-configuration, a
	// managedFields entry, or a Helm release manifest) with an API version other than the one
	// the cluster serves them as now. Reads leave no such trace, so they are not here.
	APIUse []APIUse `json:"apiUse"`
	// RequestedDeprecatedAPIs is the API server's apiserver_requested_deprecated_apis metric
	// (nil when /metrics was not readable; see DeprecatedMetricReadable).
	RequestedDeprecatedAPIs  []RequestedAPI `json:"requestedDeprecatedApis,omitempty"`
	DeprecatedMetricReadable bool           `json:"deprecatedMetricReadable"`
	// CRDs are the cluster's CustomResourceDefinitions (apiextensions.k8s.io/v1), sorted by
	// name: the versions each serves and the versions its objects may still be stored in.
	// Nil in snapshots taken before they were collected.
	CRDs []CRD `json:"crds,omitempty"`
}

// CRD is a CustomResourceDefinition's versions.
type CRD struct {
	// Name is the CRD's name, PLURAL.GROUP (certificates.cert-manager.io).
	Name  string `json:"name"`
	Group string `json:"group"`
	Kind  string `json:"kind"`
	// ServedVersions are the spec.versions served now.
	ServedVersions []string `json:"servedVersions"`
	// StoredVersions is status.storedVersions: every version objects have been persisted in
	// since the list was last trimmed. A version removed from the CRD while still listed
	// here makes the CRD update fail; its objects must be migrated first.
	StoredVersions []string `json:"storedVersions"`
}

// APIServer is one API server instance.
type APIServer struct {
	ID       string   `json:"id"`
	Hostname string   `json:"hostname,omitempty"`
	Version  *Version `json:"version,omitempty"`
}

// PDB is a PodDisruptionBudget and how many disruptions it allows now.
type PDB struct {
	Namespace          string `json:"namespace"`
	Name               string `json:"name"`
	DisruptionsAllowed int32  `json:"disruptionsAllowed"`
	CurrentHealthy     int32  `json:"currentHealthy"`
	DesiredHealthy     int32  `json:"desiredHealthy"`
	ExpectedPods       int32  `json:"expectedPods"`
}

// ReplicaWorkload is a Deployment or StatefulSet.
type ReplicaWorkload struct {
	Namespace     string `json:"namespace"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	Replicas      int32  `json:"replicas"`
	ReadyReplicas int32  `json:"readyReplicas"`
}

// InstalledChart is a Helm chart release seen on the workloads it manages.
type InstalledChart struct {
	Namespace string `json:"namespace"`
	Release   string `json:"release,omitempty"`
	Chart     string `json:"chart"`
	Version   string `json:"version"`
}

// InstalledImage is a container image run in a namespace.
type InstalledImage struct {
	Namespace string `json:"namespace"`
	// Workload is the first workload (Kind/name, sorted) seen running it.
	Workload string `json:"workload"`
	// Repository is normalised with its registry (docker.io/library/nginx for "nginx").
	Repository string `json:"repository"`
	Tag        string `json:"tag,omitempty"`
	Digest     string `json:"digest,omitempty"`
}

// HelmRelease is the deployed revision of a Helm release (chart metadata only).
type HelmRelease struct {
	Namespace    string `json:"namespace"`
	Name         string `json:"name"`
	Chart        string `json:"chart"`
	ChartVersion string `json:"chartVersion"`
	AppVersion   string `json:"appVersion,omitempty"`
	Status       string `json:"status"`
	Revision     int    `json:"revision"`
}

// APIUse is evidence that an object was written with an old API version.
type APIUse struct {
	// Group and Version are the version it was written with ("" group for core).
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	// Namespace and Name identify the object ("" namespace for cluster-scoped).
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Source: "last-applied", "managedFields:<manager>", or "helm:<release>".
	Source string `json:"source"`
}

// RequestedAPI is one series of apiserver_requested_deprecated_apis.
type RequestedAPI struct {
	Group          string `json:"group"`
	Version        string `json:"version"`
	Resource       string `json:"resource"`
	RemovedRelease string `json:"removedRelease,omitempty"`
}
