package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// serveAdmission is a validating webhook for cluster.x-k8s.io Clusters. An update that
// changes spec.topology.version is allowed only when the gate allows the Cluster's fleet
// cluster to move to the new version under its bound profile; a Cluster created with a
// version must be bound and start at its profile's Kubernetes minor. Which fleet cluster
// and profile apply comes from the operator's bindings, never from the object. An allowed
// move that carries risks returns them as warnings.
func (s *Server) serveAdmission(w http.ResponseWriter, r *http.Request) {
	var review admissionv1.AdmissionReview
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&review); err != nil || review.Request == nil {
		http.Error(w, "want an admission.k8s.io/v1 AdmissionReview", http.StatusBadRequest)
		return
	}
	req := review.Request
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	review.Response, review.Request = resp, nil
	defer func() { writeJSON(w, http.StatusOK, review) }()
	if req.Operation != admissionv1.Update && req.Operation != admissionv1.Create {
		return
	}
	var obj, old clusterObject
	if err := json.Unmarshal(req.Object.Raw, &obj); err != nil {
		deny(resp, http.StatusBadRequest, "fleetaudit: cannot read the Cluster: "+err.Error())
		return
	}
	if obj.Metadata.Namespace == "" {
		obj.Metadata.Namespace = req.Namespace
	}
	if req.Operation == admissionv1.Update {
		if err := json.Unmarshal(req.OldObject.Raw, &old); err != nil {
			deny(resp, http.StatusBadRequest, "fleetaudit: cannot read the old Cluster: "+err.Error())
			return
		}
	}
	newV, oldV := topologyVersion(obj), topologyVersion(old)
	if newV == "" || newV == oldV {
		return
	}
	m, err := s.bound(obj)
	if err != nil {
		deny(resp, http.StatusForbidden, "fleetaudit: "+err.Error())
		return
	}
	if req.Operation == admissionv1.Create {
		if msg := createVersionProblem(newV, m); msg != "" {
			deny(resp, http.StatusForbidden, "fleetaudit: "+msg)
		}
		return
	}
	d := s.decideBound(r.Context(), m, newV)
	if !d.Allowed {
		deny(resp, http.StatusForbidden, d.Message())
		return
	}
	resp.Warnings = admissionWarnings(d)
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

func topologyVersion(c clusterObject) string {
	if c.Spec.Topology == nil {
		return ""
	}
	return c.Spec.Topology.Version
}

func deny(resp *admissionv1.AdmissionResponse, code int32, msg string) {
	resp.Allowed = false
	resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: metav1.StatusReasonForbidden, Message: msg}
}
