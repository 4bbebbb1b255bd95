package facts

// Workloads is what runs in the cluster, in the compact form the workload posture rules read:
// the pod template of every workload, the namespaces with their Pod Security labels, and the
// NetworkPolicies. It holds no env values and no ConfigMap or Secret contents: volumes are
// kept by type only (hostPath volumes with their path).
type Workloads struct {
	// Items are the workloads, sorted by namespace, kind and name: Deployments, StatefulSets,
	// DaemonSets, CronJobs; ReplicaSets not controlled by a Deployment; Jobs not controlled by
	// a CronJob; and Pods not controlled by a ReplicaSet, StatefulSet, DaemonSet or Job (bare
	// pods, static/mirror pods, pods of other controllers), so each pod template is judged once,
	// under the name people manage it by.
	Items []Workload `json:"items"`
	// Namespaces are every namespace, sorted by name.
	Namespaces []Namespace `json:"namespaces"`
	// NetworkPolicies are every networking.k8s.io/v1 NetworkPolicy, sorted by namespace and name.
	NetworkPolicies []NetworkPolicy `json:"networkPolicies"`
}

// Workload is one object that carries a pod template (or is a pod).
type Workload struct {
	// Kind is Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod; APIVersion
	// is its group/version (apps/v1, batch/v1, v1).
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	// Owner is "Kind/name" of a Pod's or ReplicaSet's or Job's controller, when it has one
	// that is not itself a workload here (e.g. "Node/n1" for a static pod); empty otherwise.
	Owner string `json:"owner,omitempty"`
	// Pod is the pod template's spec (the pod's own spec for a Pod).
	Pod PodSpec `json:"pod"`
}

// PodSpec is the security-relevant part of a pod spec.
type PodSpec struct {
	HostNetwork bool `json:"hostNetwork,omitempty"`
	HostPID     bool `json:"hostPID,omitempty"`
	HostIPC     bool `json:"hostIPC,omitempty"`
	// OS is spec.os.name (linux or windows); empty when unset. Pod Security exempts Windows
	// pods from its Linux-only restricted controls (privilege escalation, seccomp,
	// capabilities) from Kubernetes 1.25.
	OS string `json:"os,omitempty"`
	// SecurityContext is the pod-level security context; containers inherit what they leave
	// unset (Container.SecurityContext holds only what the container sets itself).
	SecurityContext SecurityContext `json:"securityContext"`
	// ServiceAccount is spec.serviceAccountName ("default" when unset).
	ServiceAccount string `json:"serviceAccount"`
	// AutomountToken is whether the ServiceAccount token is mounted: the pod's
	// automountServiceAccountToken, else the ServiceAccount's, else true (Kubernetes' default).
	AutomountToken bool `json:"automountToken"`
	// Volumes lists the pod's volumes by type.
	Volumes []Volume `json:"volumes"`
	// Containers are every container: containers, then initContainers, then ephemeralContainers.
	Containers []Container `json:"containers"`
}

// SecurityContext is a pod's or a container's security context, as written: a nil field is
// unset. Capabilities and Privileged, AllowPrivilegeEscalation, ReadOnlyRootFilesystem and
// ProcMount exist only on containers; Sysctls only on pods.
type SecurityContext struct {
	Privileged               *bool  `json:"privileged,omitempty"`
	AllowPrivilegeEscalation *bool  `json:"allowPrivilegeEscalation,omitempty"`
	ReadOnlyRootFilesystem   *bool  `json:"readOnlyRootFilesystem,omitempty"`
	RunAsNonRoot             *bool  `json:"runAsNonRoot,omitempty"`
	RunAsUser                *int64 `json:"runAsUser,omitempty"`
	RunAsGroup               *int64 `json:"runAsGroup,omitempty"`
	// CapabilitiesAdd and CapabilitiesDrop are as written (e.g. "NET_ADMIN", "ALL").
	CapabilitiesAdd  []string `json:"capabilitiesAdd,omitempty"`
	CapabilitiesDrop []string `json:"capabilitiesDrop,omitempty"`
	// SeccompProfile is the seccomp profile type: RuntimeDefault, Localhost or Unconfined.
	SeccompProfile string `json:"seccompProfile,omitempty"`
	// AppArmorProfile is the AppArmor profile type: RuntimeDefault, Localhost or Unconfined,
	// from the appArmorProfile field or, for containers, the older
	// container.apparmor.security.beta.kubernetes.io/<container> annotation
	// (runtime/default, localhost/…, unconfined).
	AppArmorProfile string `json:"appArmorProfile,omitempty"`
	// SELinux is the seLinuxOptions; nil when unset.
	SELinux *SELinux `json:"seLinux,omitempty"`
	// ProcMount is Default or Unmasked; empty when unset.
	ProcMount string `json:"procMount,omitempty"`
	// Sysctls are the names of the pod's sysctls (values are not kept).
	Sysctls []string `json:"sysctls,omitempty"`
	// WindowsHostProcess is windowsOptions.hostProcess.
	WindowsHostProcess *bool `json:"windowsHostProcess,omitempty"`
}

// SELinux is a seLinuxOptions.
type SELinux struct {
	User  string `json:"user,omitempty"`
	Role  string `json:"role,omitempty"`
	Type  string `json:"type,omitempty"`
	Level string `json:"level,omitempty"`
}

// Volume is a pod volume by type.
type Volume struct {
	Name string `json:"name"`
	// Type is the volume source's field name: configMap, secret, emptyDir, hostPath,
	// persistentVolumeClaim, projected, downwardAPI, csi, ephemeral, nfs, …
	Type string `json:"type"`
	// HostPath is the path of a hostPath volume.
	HostPath string `json:"hostPath,omitempty"`
}

// Container is one container of a pod spec.
type Container struct {
	Name string `json:"name"`
	// Type is container, initContainer or ephemeralContainer.
	Type  string `json:"type"`
	Image Image  `json:"image"`
	// SecurityContext holds what the container sets itself (see PodSpec.SecurityContext).
	SecurityContext SecurityContext `json:"securityContext"`
	// HostPorts are the container ports with a non-zero hostPort (the host port numbers).
	HostPorts []int32 `json:"hostPorts,omitempty"`
	// LivenessProbe, ReadinessProbe and StartupProbe tell which probes are defined.
	LivenessProbe  bool `json:"livenessProbe,omitempty"`
	ReadinessProbe bool `json:"readinessProbe,omitempty"`
	StartupProbe   bool `json:"startupProbe,omitempty"`
	// Requests and Limits are the container's resources; a nil amount is unset.
	Requests ResourceAmounts `json:"requests"`
	Limits   ResourceAmounts `json:"limits"`
}

// Image is a container image reference, as written and parsed.
type Image struct {
	// Ref is the reference as written in the spec.
	Ref string `json:"ref"`
	// Registry is the registry host (docker.io for Docker Hub names without one).
	Registry string `json:"registry"`
	// Repository is normalised with its registry (docker.io/library/nginx for "nginx").
	Repository string `json:"repository"`
	// Tag is empty when the reference has none; Digest is "sha256:…" when pinned.
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"`
}

// ResourceAmounts are CPU (millicores) and memory (bytes); nil when not set.
type ResourceAmounts struct {
	CPUMillis   *int64 `json:"cpuMillis,omitempty"`
	MemoryBytes *int64 `json:"memoryBytes,omitempty"`
}

// Namespace is a namespace and its Pod Security Admission labels.
type Namespace struct {
	Name string `json:"name"`
	// PodSecurity holds the pod-security.kubernetes.io/* labels without their prefix:
	// enforce, enforce-version, audit, audit-version, warn, warn-version.
	PodSecurity map[string]string `json:"podSecurity,omitempty"`
}

// NetworkPolicy is a NetworkPolicy's shape: what it selects and which directions it governs.
type NetworkPolicy struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// SelectsAll is true when spec.podSelector is empty (every pod of the namespace).
	SelectsAll bool `json:"selectsAll"`
	// PolicyTypes are Ingress and/or Egress, as Kubernetes defaults them (Ingress always;
	// Egress when egress rules are present or listed).
	PolicyTypes []string `json:"policyTypes"`
	// IngressRules and EgressRules count the rules of each direction (0 with the direction
	// in PolicyTypes denies all of it).
	IngressRules int `json:"ingressRules"`
	EgressRules  int `json:"egressRules"`
}
