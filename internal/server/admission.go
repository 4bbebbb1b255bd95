package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// serveAdmission is a validating webhook for the Cluster API objects that set a cluster's
// Kubernetes version: Cluster (spec.topology.version, spec.topology.class),
// KubeadmControlPlane (spec.version) and MachineDeployment (spec.template.spec.version).
// Which fleet cluster and profile apply comes from the operator's bindings, never from the
// object:
//   - a Cluster version change is allowed only when the gate allows the move; a ClusterClass
//     rebase (class change) is judged as a move to the version the cluster stays at, since it
//     rolls the machines; a Cluster created with a version must start at its profile's minor;
//   - a KubeadmControlPlane version change is judged like a Cluster's (clusters without a
//     managed topology upgrade this way);
//   - a MachineDeployment version must keep its kubelets within the skew of the running
//     control plane.
//
// The owning Cluster of a KubeadmControlPlane or MachineDeployment is its
// cluster.x-k8s.io/cluster-name label, which Cluster API sets; an update that changes that
// label is denied, so it cannot be pointed at another cluster. An allowed move that carries
// risks returns them as warnings.
func (s *Server) serveAdmission(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body) // kept to forward as it came
	if tooLarge(err) {
		writeTooLarge(w)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var review admissionv1.AdmissionReview
	if err := readJSON(r, &review, false); err != nil || review.Request == nil {
		if tooLarge(err) {
			writeTooLarge(w)
			return
		}
		http.Error(w, "want an admission.k8s.io/v1 AdmissionReview", http.StatusBadRequest)
		return
	}
	req := review.Request
	if review.APIVersion != admissionv1.SchemeGroupVersion.String() || review.Kind != "AdmissionReview" || req.UID == "" || !knownOperation(req.Operation) {
		http.Error(w, "want an admission.k8s.io/v1 AdmissionReview whose request has a uid and an operation (CREATE, UPDATE, DELETE, CONNECT)", http.StatusBadRequest)
		return
	}
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	review.Response, review.Request = resp, nil
	rt := &route{owner: -1}
	defer func() {
		if rt.owner < 0 {
			writeJSON(w, http.StatusOK, review)
		}
	}()
	if req.Operation != admissionv1.Update && req.Operation != admissionv1.Create {
		return
	}
	var obj, old capiObject
	if err := json.Unmarshal(req.Object.Raw, &obj); err != nil {
		deny(resp, http.StatusBadRequest, "fleetaudit: cannot read the object: "+jsonProblem(err))
		return
	}
	if obj.Metadata.Namespace == "" {
		obj.Metadata.Namespace = req.Namespace
	}
	if obj.Kind == "" {
		obj.Kind = req.Kind.Kind
	}
	// The API server names what it admits in the request; an object that says otherwise is
	// not what is being written.
	if (req.Namespace != "" && req.Namespace != obj.Metadata.Namespace) || (req.Name != "" && obj.Metadata.Name != "" && req.Name != obj.Metadata.Name) ||
		(req.Kind.Kind != "" && req.Kind.Kind != obj.Kind) {
		deny(resp, http.StatusBadRequest, fmt.Sprintf("fleetaudit: the request is for %s %s/%s but its object is %s %s/%s",
			req.Kind.Kind, req.Namespace, req.Name, obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name))
		return
	}
	if obj.Kind == "" {
		deny(resp, http.StatusBadRequest, "fleetaudit: neither the request nor its object names a kind")
		return
	}
	if req.Operation == admissionv1.Update {
		if err := json.Unmarshal(req.OldObject.Raw, &old); err != nil {
			deny(resp, http.StatusBadRequest, "fleetaudit: cannot read the old object: "+jsonProblem(err))
			return
		}
	}
	source := "webhook"
	if req.DryRun != nil && *req.DryRun {
		source = "" // judged the same, but not recorded in the decision history
	}
	// Answer within the API server's webhook timeout (it sends ?timeout=10s), so that a busy
	// gate denies with a reason rather than the call timing out.
	ctx, cancel := context.WithTimeout(r.Context(), s.budget(r, webhookTimeout))
	defer cancel()
	ctx = context.WithValue(ctx, routeKey{}, rt)
	var refusal *metav1.Status
	switch obj.Kind {
	case "Cluster":
		refusal = s.admitCluster(ctx, req.Operation, obj, old, source, resp)
	case "KubeadmControlPlane", "MachineDeployment", "MachineSet", "MachinePool", "Machine":
		refusal = s.admitOwned(ctx, req.Operation, obj, old, source, resp)
	default:
		return // not an object that sets a Kubernetes version
	}
	if refusal != nil {
		resp.Allowed, resp.Result = false, refusal
	}
	if rt.owner >= 0 { // another replica's cluster: its answer, not this refusal
		s.forwardReview(ctx, w, r, body, rt, &review)
	}
}

// webhookTimeout is the API server's default webhook timeout, for a call without ?timeout=.
const webhookTimeout = 10 * time.Second

func knownOperation(op admissionv1.Operation) bool {
	switch op {
	case admissionv1.Create, admissionv1.Update, admissionv1.Delete, admissionv1.Connect:
		return true
	}
	return false
}

// forbid is the webhook's refusal of an object with msg (403), or nil for "".
func forbid(msg string) *metav1.Status {
	if msg == "" {
		return nil
	}
	return &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: msg}
}

// busyRefusal refuses an object the gate had no time or slot to judge (fail closed): 429
// when busy, 503 when the time ran out, both with a Retry-After the API server passes on
// (client-go callers retry by themselves).
func (s *Server) busyRefusal(err error) *metav1.Status {
	code, reason := int32(http.StatusTooManyRequests), metav1.StatusReasonTooManyRequests
	if !errors.Is(err, errBusy) {
		code, reason = http.StatusServiceUnavailable, metav1.StatusReasonServiceUnavailable
	}
	return &metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: reason, Message: "fleetaudit: " + s.busyMessage(err) + " (fail closed)",
		Details: &metav1.StatusDetails{RetryAfterSeconds: BusyRetryAfterSeconds}}
}

// admitCluster judges a Cluster; it returns the refusal, or nil to allow.
func (s *Server) admitCluster(ctx context.Context, op admissionv1.Operation, obj, old capiObject, source string, resp *admissionv1.AdmissionResponse) *metav1.Status {
	newV, oldV := obj.topologyVersion(), old.topologyVersion()
	rebase := op == admissionv1.Update && old.Spec.Topology != nil && obj.topologyClass() != old.topologyClass()
	if newV == "" || (newV == oldV && !rebase) {
		return nil
	}
	m, err := s.bound(obj.Metadata.Namespace, obj.Metadata.Name, obj.Metadata.Annotations, newV)
	if err != nil {
		return forbid("fleetaudit: " + err.Error())
	}
	if refusal := s.routed(ctx, m.cluster); refusal != nil {
		return refusal
	}
	if op == admissionv1.Create {
		if msg := createVersionProblem(newV, m); msg != "" {
			return forbid("fleetaudit: " + msg)
		}
		return nil
	}
	return s.judge(ctx, m, newV, source, "Cluster "+obj.Metadata.Namespace+"/"+obj.Metadata.Name, resp)
}

// admitOwned judges a KubeadmControlPlane (like a Cluster's version change) or a machine or
// machine group (MachineDeployment, MachineSet, MachinePool, Machine: its kubelets against
// the running control plane).
func (s *Server) admitOwned(ctx context.Context, op admissionv1.Operation, obj, old capiObject, source string, resp *admissionv1.AdmissionResponse) *metav1.Status {
	owner := obj.owner()
	if op == admissionv1.Update && old.owner() != "" && old.owner() != owner {
		return forbid(fmt.Sprintf("fleetaudit: the cluster %s %s/%s belongs to cannot change (from %q to %q)",
			obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name, old.owner(), owner))
	}
	newV, oldV := obj.version(), old.version()
	if newV == "" || newV == oldV {
		return nil
	}
	if owner == "" {
		return forbid(fmt.Sprintf("fleetaudit: %s %s/%s names no cluster (spec.clusterName, a controlling Cluster owner reference or the %s label), so its cluster is unknown (fail closed)",
			obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name, ClusterNameLabel))
	}
	target := newV
	if obj.Kind != "KubeadmControlPlane" {
		target = "" // workers follow the running control plane, whatever the profile version
	}
	m, err := s.bound(obj.Metadata.Namespace, owner, obj.Metadata.Annotations, target)
	if err != nil {
		return forbid("fleetaudit: " + err.Error())
	}
	if refusal := s.routed(ctx, m.cluster); refusal != nil {
		return refusal
	}
	if obj.Kind != "KubeadmControlPlane" {
		return forbid(s.workerVersionProblem(m, obj, newV))
	}
	if op == admissionv1.Create {
		if msg := createVersionProblem(newV, m); msg != "" {
			return forbid("fleetaudit: " + msg)
		}
		return nil
	}
	return s.judge(ctx, m, newV, source, obj.Kind+" "+obj.Metadata.Namespace+"/"+obj.Metadata.Name, resp)
}

// judge asks the gate for a bound move and answers with its refusal or its warnings. A
// move the gate could not judge in time, or for want of a slot, is refused (fail closed).
func (s *Server) judge(ctx context.Context, m boundMove, target, source, object string, resp *admissionv1.AdmissionResponse) *metav1.Status {
	d, err := s.decideBound(ctx, m, target, source, object)
	if err != nil {
		return s.busyRefusal(err)
	}
	if !d.Allowed {
		return forbid(d.Message())
	}
	resp.Warnings = admissionWarnings(d)
	return nil
}

// workerVersionProblem checks the Kubernetes version a MachineDeployment's machines will run
// against the cluster's running control plane: a release, never newer, never further behind
// than the skew policy allows. Without facts about the cluster it denies (fail closed).
func (s *Server) workerVersionProblem(m boundMove, obj capiObject, v string) string {
	to, err := policy.ParseRelease(v)
	if err != nil {
		return "fleetaudit: spec.template.spec.version " + err.Error()
	}
	var c *facts.Cluster
	if st := s.State(); st != nil {
		c = st.Facts[m.cluster]
	}
	if problem := policy.FactsProblem(c, m.profile.MaxFactsAge(), s.cfg.Now()); problem != "" {
		return fmt.Sprintf("fleetaudit: %s: %s", m.cluster, problem)
	}
	api := policy.ControlPlaneFloor(c)
	if api == nil {
		return fmt.Sprintf("fleetaudit: the Kubernetes version of %s is unknown, so its machines' version cannot be checked (fail closed)", m.cluster)
	}
	lag := policy.MaxKubeletLag(api.Minor)
	switch {
	case to.Minor > api.Minor:
		return fmt.Sprintf("fleetaudit: %s %s/%s would run kubelet %s, newer than the control plane %s of %s: upgrade the control plane first",
			obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name, v, api.GitVersion, m.cluster)
	case api.Minor-to.Minor > lag:
		return fmt.Sprintf("fleetaudit: %s %s/%s would run kubelet %s, %d minors behind the control plane %s of %s (at most %d allowed)",
			obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name, v, api.Minor-to.Minor, api.GitVersion, m.cluster, lag)
	}
	return ""
}

// createVersionProblem checks the version a bound Cluster is created at: a real release at
// the minor of its profile's Kubernetes version (a new cluster has no facts to judge a move
// on, so it starts where its profile is).
func createVersionProblem(v string, m boundMove) string {
	to, err := policy.ParseRelease(v)
	if err != nil {
		return "spec.topology.version " + err.Error()
	}
	want, err := policy.ParseRelease(m.profile.Spec.KubernetesVersion)
	if err != nil || want.Minor != to.Minor {
		return fmt.Sprintf("%s is created at %s but is bound to %s, whose Kubernetes version is %s: create it at that minor",
			m.cluster, v, m.profile.ID(), m.profile.Spec.KubernetesVersion)
	}
	return ""
}

// admissionWarnings turns a decision's risks into AdmissionResponse warnings: the API server
// shows them to the client (kubectl prints them). Kept short: at most 10, each at most 240
// characters, the overrides that applied first.
func admissionWarnings(d policy.Decision) []string {
	var out []string
	for _, o := range d.Overrides {
		out = append(out, "fleetaudit override: "+o)
	}
	for _, w := range d.Warnings {
		out = append(out, "fleetaudit: "+w)
	}
	if len(out) > 10 {
		out = append(out[:9], fmt.Sprintf("fleetaudit: and %d more (see fleetaudit gate --explain)", len(out)-9))
	}
	for i, w := range out {
		if len(w) > 240 {
			out[i] = w[:237] + "..."
		}
	}
	return out
}

// ClusterNameLabel is the label Cluster API puts on the objects of a cluster.
const ClusterNameLabel = "cluster.x-k8s.io/cluster-name"

// capiObject is the part of a Cluster, KubeadmControlPlane or MachineDeployment the gate reads.
type capiObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name            string            `json:"name"`
		Namespace       string            `json:"namespace"`
		Labels          map[string]string `json:"labels"`
		Annotations     map[string]string `json:"annotations"`
		OwnerReferences []struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Name       string `json:"name"`
			Controller *bool  `json:"controller"`
		} `json:"ownerReferences"`
	} `json:"metadata"`
	Spec struct {
		Version     string `json:"version"`     // KubeadmControlPlane, Machine
		ClusterName string `json:"clusterName"` // MachineDeployment, MachineSet, MachinePool, Machine
		Topology    *struct {
			Class          string `json:"class"`
			ClassNamespace string `json:"classNamespace"`
			ClassRef       *struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"classRef"` // cluster.x-k8s.io/v1beta2
			Version string `json:"version"`
		} `json:"topology"` // Cluster
		Template struct {
			Spec struct {
				Version string `json:"version"`
			} `json:"spec"`
		} `json:"template"` // MachineDeployment
	} `json:"spec"`
}

func (o capiObject) topologyVersion() string {
	if o.Spec.Topology == nil {
		return ""
	}
	return o.Spec.Topology.Version
}

// topologyClass identifies the ClusterClass of a managed topology as "namespace/name", from
// v1beta1's class and classNamespace or v1beta2's classRef.
func (o capiObject) topologyClass() string {
	t := o.Spec.Topology
	if t == nil {
		return ""
	}
	if t.ClassRef != nil {
		return t.ClassRef.Namespace + "/" + t.ClassRef.Name
	}
	return t.ClassNamespace + "/" + t.Class
}

// version is the Kubernetes version a control plane, machine or machine group sets.
func (o capiObject) version() string {
	switch o.Kind {
	case "MachineDeployment", "MachineSet", "MachinePool":
		return o.Spec.Template.Spec.Version
	}
	return o.Spec.Version
}

// owner is the Cluster the object belongs to: spec.clusterName for machines and machine
// groups (set at creation and immutable in Cluster API), the controlling owner reference of a
// control plane; its cluster-name label only as the last resort.
func (o capiObject) owner() string {
	if o.Spec.ClusterName != "" {
		return o.Spec.ClusterName
	}
	for _, r := range o.Metadata.OwnerReferences {
		if r.Kind == "Cluster" && strings.HasPrefix(r.APIVersion, "cluster.x-k8s.io/") && r.Controller != nil && *r.Controller {
			return r.Name
		}
	}
	return o.Metadata.Labels[ClusterNameLabel]
}

func deny(resp *admissionv1.AdmissionResponse, code int32, msg string) {
	resp.Allowed = false
	resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: metav1.StatusReasonForbidden, Message: msg}
}

// jsonProblem says what is wrong in a JSON document without Go type names.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s is a JSON %s, which is not what a Cluster API object has there", te.Field, te.Value)
	}
	return err.Error()
}
