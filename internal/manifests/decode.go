package manifests

import (
	"encoding/json"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

// targets are the kinds the facts are built from, by the group/kind written (older groups
// included: extensions/v1beta1 Deployments, …), with the served version they are read as.
// An object written with an older version is converted to it, as the API server would store
// it; whether that older version is still served is the removed-API rule's question.
var targets = map[schema.GroupKind]func() runtime.Object{
	{Group: "", Kind: "Pod"}:                              func() runtime.Object { return &corev1.Pod{} },
	{Group: "", Kind: "Namespace"}:                        func() runtime.Object { return &corev1.Namespace{} },
	{Group: "", Kind: "ServiceAccount"}:                   func() runtime.Object { return &corev1.ServiceAccount{} },
	{Group: "apps", Kind: "Deployment"}:                   func() runtime.Object { return &appsv1.Deployment{} },
	{Group: "extensions", Kind: "Deployment"}:             func() runtime.Object { return &appsv1.Deployment{} },
	{Group: "apps", Kind: "StatefulSet"}:                  func() runtime.Object { return &appsv1.StatefulSet{} },
	{Group: "apps", Kind: "DaemonSet"}:                    func() runtime.Object { return &appsv1.DaemonSet{} },
	{Group: "extensions", Kind: "DaemonSet"}:              func() runtime.Object { return &appsv1.DaemonSet{} },
	{Group: "apps", Kind: "ReplicaSet"}:                   func() runtime.Object { return &appsv1.ReplicaSet{} },
	{Group: "extensions", Kind: "ReplicaSet"}:             func() runtime.Object { return &appsv1.ReplicaSet{} },
	{Group: "batch", Kind: "Job"}:                         func() runtime.Object { return &batchv1.Job{} },
	{Group: "batch", Kind: "CronJob"}:                     func() runtime.Object { return &batchv1.CronJob{} },
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:   func() runtime.Object { return &networkingv1.NetworkPolicy{} },
	{Group: "extensions", Kind: "NetworkPolicy"}:          func() runtime.Object { return &networkingv1.NetworkPolicy{} },
	{Group: "policy", Kind: "PodDisruptionBudget"}:        func() runtime.Object { return &policyv1.PodDisruptionBudget{} },
	{Group: rbacv1.GroupName, Kind: "ClusterRole"}:        func() runtime.Object { return &rbacv1.ClusterRole{} },
	{Group: rbacv1.GroupName, Kind: "Role"}:               func() runtime.Object { return &rbacv1.Role{} },
	{Group: rbacv1.GroupName, Kind: "ClusterRoleBinding"}: func() runtime.Object { return &rbacv1.ClusterRoleBinding{} },
	{Group: rbacv1.GroupName, Kind: "RoleBinding"}:        func() runtime.Object { return &rbacv1.RoleBinding{} },
}

// clusterScoped are the built-in kinds without a namespace. Namespaced objects written
// without metadata.namespace are in "default", as kubectl apply without -n puts them.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"CustomResourceDefinition": true, "APIService": true, "MutatingWebhookConfiguration": true,
	"ValidatingWebhookConfiguration": true, "ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true, "PriorityClass": true,
	"StorageClass": true, "CSIDriver": true, "CSINode": true, "VolumeAttachment": true, "IngressClass": true,
	"RuntimeClass": true, "PodSecurityPolicy": true, "CertificateSigningRequest": true, "ClusterTrustBundle": true,
	"FlowSchema": true, "PriorityLevelConfiguration": true, "DeviceClass": true, "ComponentStatus": true,
	"StorageVersionMigration": true, "IPAddress": true, "ServiceCIDR": true, "VolumeAttributesClass": true,
	"TokenReview": true, "SelfSubjectAccessReview": true, "SelfSubjectRulesReview": true,
	"SubjectAccessReview": true, "SelfSubjectReview": true,
}

// defaultNamespace is where namespaced objects without metadata.namespace go.
const defaultNamespace = "default"

// builtin reports whether gvk is a kind of the Kubernetes API fleetaudit is built with.
func builtin(gvk schema.GroupVersionKind) bool { return scheme.Scheme.Recognizes(gvk) }

// namespaceOf is the object's effective namespace: as written, else "default" for the
// namespaced built-in kinds; "" for cluster-scoped kinds.
func namespaceOf(o *object) string {
	if clusterScoped[o.gvk.Kind] && (o.gvk.Group == "" || builtin(o.gvk)) {
		return ""
	}
	if o.namespace == "" && builtin(o.gvk) {
		return defaultNamespace
	}
	return o.namespace
}

// decodeTyped decodes an object of a kind the facts are built from into its served type,
// with its effective namespace; nil, nil for other kinds. A built-in kind whose fields do
// not match its API type is an error naming the file and line.
func decodeTyped(o *object) (runtime.Object, error) {
	mk, ok := targets[o.gvk.GroupKind()]
	if !ok {
		if builtin(o.gvk) && o.json != nil {
			// Not used for facts, but a malformed built-in object fails to apply: say so.
			if _, _, err := scheme.Codecs.UniversalDeserializer().Decode(o.json, nil, nil); err != nil {
				return nil, o.decodeError(err)
			}
		}
		return nil, nil
	}
	out := mk()
	if builtin(o.gvk) {
		decoded, _, err := scheme.Codecs.UniversalDeserializer().Decode(o.json, nil, nil)
		if err != nil {
			return nil, o.decodeError(err)
		}
		if decoded.GetObjectKind().GroupVersionKind().Version == versionOf(out) {
			out = decoded
		} else if err := scheme.Scheme.Convert(decoded, out, nil); err != nil {
			// client-go's scheme converts no external versions: read the fields the older
			// version shares with the served one (those the facts read are the same).
			if err := json.Unmarshal(o.json, out); err != nil {
				return nil, o.decodeError(err)
			}
		}
	} else if err := json.Unmarshal(o.json, out); err != nil { // e.g. apps/v1beta3: not a version that ever existed
		return nil, o.decodeError(err)
	}
	meta := out.(interface {
		SetNamespace(string)
		GetNamespace() string
	})
	meta.SetNamespace(namespaceOf(o))
	return out, nil
}

// versionOf is the API version of a typed object of k8s.io/api.
func versionOf(obj runtime.Object) string {
	gvks, _, err := scheme.Scheme.ObjectKinds(obj)
	if err != nil || len(gvks) == 0 {
		return ""
	}
	return gvks[0].Version
}

// decodeError names the file and line of an object whose fields do not match its type.
func (o *object) decodeError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "json: "); i >= 0 {
		msg = msg[i+len("json: "):]
	}
	// The JSON decoder quotes the input around the error: never echo a manifest's values.
	if i := strings.Index(msg, ", error found in"); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Errorf("%s:%d: %s %s: does not match the %s API type: %s: fix the field's type (see kubectl explain %s)",
		o.doc.File, o.line, o.gvk.Kind, o.name, o.gvk.GroupVersion(), msg, strings.ToLower(o.gvk.Kind))
}
