package reports

import (
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// TestControlStates: a control fails where a citing rule denies, passes where every citing
// rule was judged, and is not evaluated where a citing rule erred, its collector failed or did
// not run, or the cluster was not audited. Warnings fail nothing.
func TestControlStates(t *testing.T) {
	cis := policy.Control{Framework: "CIS", ID: "5.2.2", Version: "cis-1.12"}
	nsa := policy.Control{Framework: "NSA", ID: "authn-authz"}
	r := &Report{Rules: []RuleInfo{
		{ID: "W-1", Title: "privileged", Controls: []policy.Control{cis}, Reads: []string{"usage"}},
		{ID: "R-1", Title: "rbac", Controls: []policy.Control{nsa}, Reads: []string{"rbac.roles"}},
	}}
	ok := func(names ...string) []facts.CollectorRun {
		var runs []facts.CollectorRun
		for _, n := range names {
			runs = append(runs, facts.CollectorRun{Collector: n})
		}
		return runs
	}
	r.Clusters = []ClusterReport{
		{Name: "fails", Status: facts.StatusOK, Collection: ok("cluster", "rbac", "usage"), Findings: []policy.Finding{
			{RuleID: "W-1", Kind: "deny"}, {RuleID: "W-1", Kind: "deny"}, {RuleID: "R-1", Kind: "warn"},
			{RuleID: "X", Kind: "deny", Title: "kube-bench", Controls: []policy.Control{{Framework: "CIS", ID: "4.2.1", Version: "eks-1.8.0"}},
				Details: map[string]any{"check": "Ensure anonymous auth is off (Automated)"}},
		}},
		{Name: "passes", Status: facts.StatusOK, Collection: ok("cluster", "rbac", "usage"), Findings: []policy.Finding{
			{RuleID: "W-1", Kind: "deny", Waiver: &policy.Waiver{Owner: "sec@example.com"}}, // accepted risk fails nothing
		}},
		{Name: "old-snapshot", Status: facts.StatusOK, Collection: ok("cluster", "rbac")},
		{Name: "rule-error", Status: facts.StatusPartial, Collection: ok("cluster", "rbac", "usage"), RuleErrors: []policy.RuleError{{Rule: "R-1"}}},
		{Name: "down", Status: facts.StatusFailed},
	}
	got := map[string]ControlResult{}
	for _, c := range buildControls(r) {
		got[controlName(c)] = c
	}
	want := map[string][4]int{ // passed, failed, not evaluated, findings
		"5.2.2":             {2, 1, 2, 2},
		"authn-authz":       {3, 0, 2, 0},
		"4.2.1 (eks-1.8.0)": {0, 1, 4, 1},
	}
	for name, w := range want {
		c, found := got[name]
		if !found {
			t.Fatalf("no row %s in %v", name, got)
		}
		if g := [4]int{c.Passed, c.Failed, c.NotEvaluated, c.Findings}; g != w {
			t.Errorf("%s: passed/failed/not evaluated/findings %v, want %v", name, g, w)
		}
	}
	if got["5.2.2"].Status != ControlFail || got["authn-authz"].Status != ControlPass {
		t.Errorf("statuses %s %s", got["5.2.2"].Status, got["authn-authz"].Status)
	}
	if got["5.2.2"].Title != "Minimize the admission of privileged containers" || got["4.2.1 (eks-1.8.0)"].Title != "Ensure anonymous auth is off" {
		t.Errorf("titles %q %q", got["5.2.2"].Title, got["4.2.1 (eks-1.8.0)"].Title)
	}
	if len(got) != 3 {
		t.Errorf("rows %v", got)
	}
	groups := controlGroups(&Report{Controls: buildControls(r)})
	if len(groups) != 2 || groups[0].Framework != "CIS" || groups[0].Failed != 2 || groups[1].Passed != 1 {
		t.Errorf("groups %+v", groups)
	}
}
