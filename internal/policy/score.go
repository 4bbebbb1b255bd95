package policy

import (
	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Score is a compliance score: passed / evaluated controls of one framework on one cluster.
type Score struct {
	Passed    int     `json:"passed"`
	Evaluated int     `json:"evaluated"`
	Ratio     float64 `json:"ratio"`
}

func newScore(passed, evaluated int) Score {
	s := Score{Passed: passed, Evaluated: evaluated}
	if evaluated > 0 {
		s.Ratio = float64(passed) / float64(evaluated)
	}
	return s
}

// Scores computes the compliance score of each framework on one cluster:
//   - a rule framework (rbac): evaluated = the framework's rules; passed = those with no deny
//     finding on the cluster (warnings do not fail a control, nor do waived findings);
//   - cis: evaluated = scored kube-bench checks that passed or failed; passed = those that
//     passed (WARN and INFO checks are manual and not counted), taken from the facts.
//
// A framework with nothing evaluated (e.g. CIS not collected) is absent. The rules of
// notEvaluated (those that failed or ran out of time) count neither as passed nor evaluated.
func (e *Engine) Scores(c *facts.Cluster, findings []Finding, notEvaluated RuleErrors) map[string]Score {
	failed, skip := map[string]bool{}, map[string]bool{}
	for _, f := range findings {
		if f.Kind == "deny" && !f.Waived() {
			failed[f.RuleID] = true
		}
	}
	for _, re := range notEvaluated {
		skip[re.Rule] = true
	}
	counts := map[string][2]int{}
	for _, r := range e.rules {
		if r.Framework == "" || r.Framework == "cis" || !r.HasDeny || skip[r.ID] {
			continue
		}
		n := counts[r.Framework]
		n[1]++
		if !failed[r.ID] {
			n[0]++
		}
		counts[r.Framework] = n
	}
	out := map[string]Score{}
	for fw, n := range counts {
		out[fw] = newScore(n[0], n[1])
	}
	if c.CIS != nil {
		pass, eval := c.CIS.ScoredCounts()
		if eval > 0 {
			out["cis"] = newScore(pass, eval)
		}
	}
	return out
}
