package facts

import "time"

// Autoscaling is what scales the cluster's workloads and nodes, and whether it can: the
// HorizontalPodAutoscalers with their status conditions, VerticalPodAutoscalers, Karpenter
// NodePools and the cluster autoscaler. Optional add-ons that are not installed are recorded
// as such (Installed false), never as errors.
type Autoscaling struct {
	// HPAs are every autoscaling/v2 HorizontalPodAutoscaler, sorted by namespace and name.
	HPAs []HPA `json:"hpas"`
	// VPA is the Vertical Pod Autoscaler (autoscaling.k8s.io/v1).
	VPA VPAInstall `json:"vpa"`
	// Karpenter is Karpenter's NodePools (karpenter.sh/v1).
	Karpenter Karpenter `json:"karpenter"`
	// ClusterAutoscaler is the cluster autoscaler's Deployment and status; nil when no
	// Deployment looks like one (see the collector's docs for how it is recognised).
	ClusterAutoscaler *ClusterAutoscaler `json:"clusterAutoscaler,omitempty"`
}

// HPA is one HorizontalPodAutoscaler.
type HPA struct {
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	Target    ObjectRef `json:"target"`
	// TargetFound says whether the scale target exists: set for the kinds fleetaudit lists
	// (Deployment, StatefulSet, ReplicaSet of group apps), absent for other kinds.
	TargetFound *bool `json:"targetFound,omitempty"`
	// MinReplicas is spec.minReplicas (1 when unset); MaxReplicas is spec.maxReplicas.
	MinReplicas     int32 `json:"minReplicas"`
	MaxReplicas     int32 `json:"maxReplicas"`
	CurrentReplicas int32 `json:"currentReplicas"`
	DesiredReplicas int32 `json:"desiredReplicas"`
	// Metrics are spec.metrics (autoscaling/v2 defaults to CPU at 80 % utilization when none).
	Metrics []HPAMetric `json:"metrics"`
	// MissingRequests names, as "CONTAINER: RESOURCE", the target's containers without a
	// request for a resource that a Utilization metric scales on (the HPA cannot compute
	// utilization without it); empty when the target was not found.
	MissingRequests []string `json:"missingRequests,omitempty"`
	// Conditions are status.conditions (AbleToScale, ScalingActive, ScalingLimited).
	Conditions []TimedCondition `json:"conditions,omitempty"`
}

// ObjectRef names an object by API version, kind and name (in the referrer's namespace).
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
}

// HPAMetric is one metric an HPA scales on.
type HPAMetric struct {
	// Type is Resource, ContainerResource, Pods, Object or External.
	Type string `json:"type"`
	// Resource is cpu or memory for Resource and ContainerResource metrics; Container names
	// the container of a ContainerResource metric.
	Resource  string `json:"resource,omitempty"`
	Container string `json:"container,omitempty"`
	// Name is the metric name of Pods, Object and External metrics.
	Name string `json:"name,omitempty"`
	// TargetType is Utilization, AverageValue or Value.
	TargetType string `json:"targetType"`
}

// TimedCondition is a status condition with its last transition time, for conditions whose
// age matters (an HPA unable to scale for days).
type TimedCondition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when the condition last changed status; nil when unset.
	LastTransitionTime *time.Time `json:"lastTransitionTime,omitempty"`
}

// VPAInstall is whether the VerticalPodAutoscaler CRD is installed, and its objects.
type VPAInstall struct {
	// Installed is true when verticalpodautoscalers.autoscaling.k8s.io serves v1.
	Installed bool  `json:"installed"`
	Items     []VPA `json:"items"`
}

// VPA is one VerticalPodAutoscaler.
type VPA struct {
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	Target    ObjectRef `json:"target"`
	// UpdateMode is spec.updatePolicy.updateMode, or Recreate (the VPA default) when unset.
	UpdateMode string `json:"updateMode"`
	// ControlledResources are the resources the VPA sets on at least one container whose
	// scaling mode is not Off (cpu and memory unless the resource policy narrows them).
	ControlledResources []string `json:"controlledResources"`
}

// Karpenter is whether Karpenter's NodePool CRD is installed, and its NodePools.
type Karpenter struct {
	// Installed is true when nodepools.karpenter.sh serves v1.
	Installed bool       `json:"installed"`
	NodePools []NodePool `json:"nodePools"`
}

// NodePool is one Karpenter NodePool: its limits and what it has provisioned, by resource
// name as Kubernetes spells it (cpu, memory, nodes, nvidia.com/gpu …), CPU in millicores and
// the rest in base units (bytes, counts).
type NodePool struct {
	Name      string           `json:"name"`
	Limits    map[string]int64 `json:"limits,omitempty"`
	Resources map[string]int64 `json:"resources,omitempty"`
}

// ClusterAutoscaler is the cluster autoscaler's Deployment and what its status ConfigMap
// (cluster-autoscaler-status, beside the Deployment) says.
type ClusterAutoscaler struct {
	Namespace     string `json:"namespace"`
	Name          string `json:"name"`
	Replicas      int32  `json:"replicas"`
	ReadyReplicas int32  `json:"readyReplicas"`
	// Status is "" when the status ConfigMap is absent, "yaml" when it was read (the format
	// of cluster-autoscaler 1.30 and later), "unparsed" when it holds the older text format.
	Status string `json:"status"`
	// AutoscalerStatus is the status document's autoscalerStatus (Running, Initializing).
	AutoscalerStatus string `json:"autoscalerStatus,omitempty"`
	// NodeGroups are the status document's node groups, in its order.
	NodeGroups []NodeGroup `json:"nodeGroups,omitempty"`
}

// NodeGroup is one node group of the cluster autoscaler's status.
type NodeGroup struct {
	Name string `json:"name"`
	// Health is health.status (Healthy, Unhealthy); ScaleUp is scaleUp.status (NoActivity,
	// InProgress, Backoff …).
	Health  string `json:"health"`
	ScaleUp string `json:"scaleUp,omitempty"`
	// Ready and Registered count the group's nodes; Target is the cloud provider's target size.
	Ready      int `json:"ready"`
	Registered int `json:"registered"`
	Target     int `json:"target"`
	MinSize    int `json:"minSize"`
	MaxSize    int `json:"maxSize"`
}
