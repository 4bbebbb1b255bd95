package server

import (
	"encoding/json"
	"fmt"
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

// maxGateClusters bounds the work one request can ask for (each cluster is a rule evaluation).
const maxGateClusters = 1000

// GateResponse is the gate's report, the shape of `fleetaudit gate -o json`.
type GateResponse = policy.GateReport

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
	clusters := slices.Compact(slices.Sorted(slices.Values(req.Clusters)))
	if len(clusters) > maxGateClusters {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("bad gate request: %d clusters, at most %d per request", len(clusters), maxGateClusters)})
		return
	}
	if len(clusters) == 0 {
		if st := s.State(); st != nil {
			for _, c := range st.Audit.Clusters {
				clusters = append(clusters, c.Cluster)
			}
		}
	}
	run, targeted := policy.NewGateRun(p, clusters, req.Explain)
	for _, c := range targeted {
		run.Add(s.decide(r.Context(), c, p))
	}
	writeJSON(w, http.StatusOK, run.Finish())
}
