package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// serveAdmission is a validating webhook for cluster.x-k8s.io Clusters: an update that changes
// spec.topology.version is allowed only when the gate allows that cluster to move to the new
// version (under its profile). Any other change passes.
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
	if req.Operation != admissionv1.Update {
		return
	}
	var obj, old clusterObject
	if err := json.Unmarshal(req.Object.Raw, &obj); err != nil {
		deny(resp, http.StatusBadRequest, "fleetaudit: cannot read the Cluster: "+err.Error())
		return
	}
	if err := json.Unmarshal(req.OldObject.Raw, &old); err != nil {
		deny(resp, http.StatusBadRequest, "fleetaudit: cannot read the old Cluster: "+err.Error())
		return
	}
	newV, oldV := topologyVersion(obj), topologyVersion(old)
	if newV == "" || newV == oldV {
		return
	}
	p, err := s.profileFor(obj.Metadata.Annotations[ProfileAnnotation])
	if err == nil {
		p = p.WithTarget(newV)
		if errs := p.Validate(); len(errs) > 0 {
			err = fmt.Errorf("spec.topology.version: %s", errs[0])
		}
	}
	if err != nil {
		deny(resp, http.StatusForbidden, "fleetaudit: "+err.Error())
		return
	}
	if d := s.decide(r.Context(), obj.fleetName(), p); !d.Allowed {
		deny(resp, http.StatusForbidden, d.Message())
	}
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
