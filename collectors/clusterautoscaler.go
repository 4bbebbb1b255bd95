package collectors

import (
	"encoding/json"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// States of the cluster autoscaler's status ConfigMap (facts.ClusterAutoscaler.Status).
const (
	CAStatusYAML      = "yaml"
	CAStatusUnparsed  = "unparsed"
	CAStatusForbidden = "forbidden"
)

// caStatus is the part of the cluster autoscaler's status document (the ConfigMap's "status"
// key, YAML since cluster-autoscaler 1.30: clusterstate/api ClusterAutoscalerStatus) the
// facts keep.
type caStatus struct {
	AutoscalerStatus string `json:"autoscalerStatus"`
	NodeGroups       []struct {
		Name   string `json:"name"`
		Health struct {
			Status     string `json:"status"`
			NodeCounts struct {
				Registered struct {
					Total int `json:"total"`
					Ready int `json:"ready"`
				} `json:"registered"`
			} `json:"nodeCounts"`
			CloudProviderTarget int `json:"cloudProviderTarget"`
			MinSize             int `json:"minSize"`
			MaxSize             int `json:"maxSize"`
		} `json:"health"`
		ScaleUp struct {
			Status string `json:"status"`
		} `json:"scaleUp"`
	} `json:"nodeGroups"`
}

// ClusterAutoscalerFacts converts the cluster autoscaler's Deployment and its status
// ConfigMap (nil when absent); nil without a Deployment. A status in the text format of
// releases before 1.30 is recorded as unparsed.
func ClusterAutoscalerFacts(d *appsv1.Deployment, cm *corev1.ConfigMap) *facts.ClusterAutoscaler {
	if d == nil {
		return nil
	}
	f := &facts.ClusterAutoscaler{Namespace: d.Namespace, Name: d.Name, Replicas: 1, ReadyReplicas: d.Status.ReadyReplicas}
	if d.Spec.Replicas != nil {
		f.Replicas = *d.Spec.Replicas
	}
	if cm == nil {
		return f
	}
	doc := cm.Data["status"]
	var st caStatus
	if !strings.Contains(doc, "autoscalerStatus:") || yaml.Unmarshal([]byte(doc), &st) != nil {
		f.Status = CAStatusUnparsed
		return f
	}
	f.Status, f.AutoscalerStatus = CAStatusYAML, st.AutoscalerStatus
	for _, g := range st.NodeGroups {
		h := g.Health
		f.NodeGroups = append(f.NodeGroups, facts.NodeGroup{Name: g.Name, Health: h.Status, ScaleUp: g.ScaleUp.Status,
			Ready: h.NodeCounts.Registered.Ready, Registered: h.NodeCounts.Registered.Total, Target: h.CloudProviderTarget,
			MinSize: h.MinSize, MaxSize: h.MaxSize})
	}
	return f
}

// fromUnstructured decodes an unstructured object into a typed view of it.
func fromUnstructured(u *unstructured.Unstructured, into any) error {
	b, err := json.Marshal(u.Object)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// resourceAmounts converts a resource list as written ("4", "16Gi") to base units: CPU in
// millicores, the rest in units (bytes, counts). Unparseable amounts are left out.
func resourceAmounts(in map[string]string) map[string]int64 {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]int64, len(in))
	for name, s := range in {
		q, err := resource.ParseQuantity(s)
		if err != nil {
			continue
		}
		if name == string(corev1.ResourceCPU) {
			out[name] = q.MilliValue()
		} else {
			out[name] = q.Value()
		}
	}
	return out
}
