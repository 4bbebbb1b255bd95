package server

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// GateRequest is the body of POST /v1/gate.
type GateRequest struct {
	// Profile names a configured profile (optional when only one is configured).
	Profile string `json:"profile,omitempty"`
	// Clusters to decide for (default: every cluster of the last audit the profile targets).
	Clusters []string `json:"clusters,omitempty"`
	// TargetVersion overrides the profile's Kubernetes version.
	TargetVersion string `json:"targetVersion,omitempty"`
	Explain       bool   `json:"explain,omitempty"`
}

// GateResponse has the shape of `fleetaudit gate -o json`.
type GateResponse struct {
	Profile     string            `json:"profile"`
	Target      string            `json:"targetVersion"`
	Decisions   []policy.Decision `json:"decisions"`
	NotTargeted []string          `json:"notTargeted"`
	Allowed     bool              `json:"allowed"`
}

func (s *Server) serveGate(w http.ResponseWriter, r *http.Request) {
	var req GateRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad gate request: " + err.Error()})
		return
	}
	p, err := s.profileFor(req.Profile)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if req.TargetVersion != "" {
		p = p.WithTarget(req.TargetVersion)
		if errs := p.Validate(); len(errs) > 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "targetVersion: " + errs[0]})
			return
		}
	}
	clusters := req.Clusters
	resp := GateResponse{Profile: p.ID(), Target: p.Spec.KubernetesVersion, Decisions: []policy.Decision{}, NotTargeted: []string{}, Allowed: true}
	if len(clusters) == 0 {
		if st := s.State(); st != nil {
			for _, c := range st.Audit.Clusters {
				clusters = append(clusters, c.Cluster)
			}
		}
	}
	for _, c := range clusters {
		if !p.Targets(c) {
			resp.NotTargeted = append(resp.NotTargeted, c)
			continue
		}
		d := s.decide(r.Context(), c, p)
		if !req.Explain {
			d.Explain = nil
		}
		resp.Allowed = resp.Allowed && d.Allowed
		resp.Decisions = append(resp.Decisions, d)
	}
	slices.SortFunc(resp.Decisions, func(a, b policy.Decision) int { return cmp.Compare(a.Cluster, b.Cluster) })
	slices.Sort(resp.NotTargeted)
	if len(resp.Decisions) == 0 {
		resp.Allowed = false // nothing decided is nothing allowed
	}
	writeJSON(w, http.StatusOK, resp)
}
