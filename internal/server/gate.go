package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
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
	body, err := io.ReadAll(r.Body) // kept to forward as it came
	if tooLarge(err) {
		writeTooLarge(w)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req GateRequest
	if err := readJSON(r, &req, true); err != nil {
		if tooLarge(err) {
			writeTooLarge(w)
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad gate request: " + err.Error()})
		return
	}
	clusters, ok := distinct(req.Clusters, maxGateClusters)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("bad gate request: more than %d clusters, at most %d per request", maxGateClusters, maxGateClusters)})
		return
	}
	if sh := s.cfg.Shard; !sh.Whole() {
		if len(clusters) == 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("bad gate request: name the clusters: this replica is shard %s and audits only the clusters it owns", sh)})
			return
		}
		owner, err := routeGate(sh, clusters)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad gate request: " + err.Error()})
			return
		}
		if owner >= 0 {
			s.forwardGate(w, r, body, owner, clusters)
			return
		}
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
	if len(clusters) == 0 {
		if st := s.State(); st != nil {
			for _, c := range st.Audit.Clusters {
				clusters = append(clusters, c.Cluster)
			}
		}
	}
	// Admitted once, the request keeps its slot from cluster to cluster but yields it while a
	// webhook or hook decision waits; every rule evaluation runs under the request's
	// context, so a caller that leaves, or a request over its time, stops at once.
	ctx, cancel := context.WithTimeout(r.Context(), s.budget(r, s.limits.Timeout))
	defer cancel()
	leave, err := s.slots.admit()
	if err != nil {
		s.writeBusy(w, err)
		return
	}
	defer leave()
	release, err := s.slots.slot(ctx, false, false)
	if err != nil {
		s.writeBusy(w, err)
		return
	}
	run, targeted := policy.NewGateRun(p, clusters, req.Explain)
	for _, c := range targeted {
		if release, err = s.slots.yield(ctx); err != nil {
			break
		}
		run.Add(s.decide(ctx, c, p))
	}
	if err == nil {
		release()
	}
	if err := ctx.Err(); err != nil {
		s.writeBusy(w, err) // decisions cut short are no answer
		return
	}
	writeJSON(w, http.StatusOK, run.Finish())
}

// forwardGate forwards a /v1/gate request for clusters another replica owns, within the
// gate's limits: it takes a place among the admitted requests (no evaluation slot: the
// owner evaluates) and the request's time budget.
func (s *Server) forwardGate(w http.ResponseWriter, r *http.Request, body []byte, owner int, clusters []string) {
	ctx, cancel := context.WithTimeout(r.Context(), s.budget(r, s.limits.Timeout))
	defer cancel()
	leave, err := s.slots.admit()
	if err != nil {
		s.writeBusy(w, err)
		return
	}
	defer leave()
	what := "cluster " + clusters[0]
	if len(clusters) > 1 {
		what = "clusters " + strings.Join(clusters, ", ")
	}
	a, err := s.askOwner(ctx, r, body, owner, what)
	if err != nil {
		setRetryAfter(w)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	a.write(w, fleet.Shard{Index: owner, Count: s.cfg.Shard.Count})
}

// distinct is names without duplicates, sorted; false when there are more than limit (it stops
// counting there: a body of a million names costs no sort).
func distinct(names []string, limit int) ([]string, bool) {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] = true; len(seen) > limit {
			return nil, false
		}
	}
	return slices.Sorted(maps.Keys(seen)), true
}

// writeBusy answers a request the gate had no slot (429) or no time (503) for, with
// Retry-After.
func (s *Server) writeBusy(w http.ResponseWriter, err error) {
	setRetryAfter(w)
	code := http.StatusServiceUnavailable
	if errors.Is(err, errBusy) {
		code = http.StatusTooManyRequests
	}
	writeJSON(w, code, map[string]string{"error": s.busyMessage(err)})
}
