package reports

import (
	"cmp"
	"slices"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/rules"
)

// Control states of a ControlResult, over the fleet.
const (
	ControlPass         = "pass"
	ControlFail         = "fail"
	ControlNotEvaluated = "not-evaluated"
)

// ControlResult is one control of a compliance framework across the fleet: which rules
// evidence it and on how many clusters it passed or failed.
//
// On one cluster a control fails when a rule citing it has a deny finding there (warnings do
// not fail a control, as in the scores), or a finding names the control itself (a failed
// kube-bench check); it passes when every rule citing it was evaluated there and none
// failed; otherwise it was not evaluated there (the cluster was not audited, a rule erred, or
// a collector whose facts a rule reads did not run or failed).
type ControlResult struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
	Version   string `json:"version,omitempty"`
	// Title and Section come from the control catalog (rules/controls*.yaml); for controls
	// outside it, from the first finding or rule naming the control.
	Title   string `json:"title"`
	Section string `json:"section,omitempty"`
	// Rules are the ids of the rules citing the control in their METADATA.
	Rules []string `json:"rules"`
	// Status is fail when it failed on any cluster, pass when it passed on every cluster
	// that evaluated it, not-evaluated when no cluster did.
	Status       string `json:"status"`
	Passed       int    `json:"passed"`
	Failed       int    `json:"failed"`
	NotEvaluated int    `json:"notEvaluated"`
	// Findings counts the deny findings that failed it.
	Findings int `json:"findings"`
}

// controlKey identifies a control row: a control of another edition of a framework than the
// catalog's (a kube-bench check of eks-1.8.0, say) is a row of its own.
type controlKey struct{ framework, id, version string }

func keyOf(cat *rules.Catalog, c policy.Control) controlKey {
	if fw := cat.Framework(c.Framework); fw != nil && (c.Version == "" || c.Version == fw.Version) {
		return controlKey{c.Framework, c.ID, ""}
	}
	return controlKey{c.Framework, c.ID, c.Version}
}

// buildControls computes the control table of a report from its rules and clusters.
func buildControls(r *Report) []ControlResult {
	cat := rules.Controls()
	rows := map[controlKey]*ControlResult{}
	row := func(c policy.Control, title string) *ControlResult {
		k := keyOf(cat, c)
		if x := rows[k]; x != nil {
			return x
		}
		x := &ControlResult{Framework: c.Framework, ID: c.ID, Version: c.Version, Title: title, Rules: []string{}}
		if def, _, ok := cat.Lookup(c.Framework, c.ID); ok && k.version == "" {
			x.Title, x.Section = def.Title, def.Section
			if fw := cat.Framework(c.Framework); fw != nil && x.Version == "" {
				x.Version = fw.Version
			}
		}
		rows[k] = x
		return x
	}
	cites := map[controlKey][]RuleInfo{}
	for _, ru := range r.Rules {
		for _, c := range ru.Controls {
			x := row(c, ru.Title)
			x.Rules = append(x.Rules, ru.ID)
			cites[keyOf(cat, c)] = append(cites[keyOf(cat, c)], ru)
		}
	}
	ruleControls := map[string][]policy.Control{}
	for _, ru := range r.Rules {
		ruleControls[ru.ID] = ru.Controls
	}
	for _, c := range r.Clusters {
		failed := map[controlKey]int{}
		for _, f := range c.Findings {
			if f.Kind != "deny" || !countsAsOpen(f) {
				continue
			}
			seen := map[controlKey]bool{}
			for _, ctl := range append(slices.Clone(ruleControls[f.RuleID]), f.Controls...) {
				k := keyOf(cat, ctl)
				if seen[k] {
					continue
				}
				seen[k] = true
				title := f.Title
				if check, ok := f.Details["check"].(string); ok && check != "" {
					title = strings.TrimSuffix(strings.TrimSuffix(check, " (Automated)"), " (Manual)")
				}
				row(ctl, title)
				failed[k]++
			}
		}
		judged := judgedRules(c)
		for k, x := range rows {
			switch {
			case failed[k] > 0:
				x.Failed++
				x.Findings += failed[k]
			case c.Status == facts.StatusFailed || len(cites[k]) == 0:
				x.NotEvaluated++ // finding-only controls (kube-bench checks) pass nowhere here
			default:
				ok := true
				for _, ru := range cites[k] {
					ok = ok && judged(ru)
				}
				if ok {
					x.Passed++
				} else {
					x.NotEvaluated++
				}
			}
		}
	}
	out := make([]ControlResult, 0, len(rows))
	for _, x := range rows {
		switch {
		case x.Failed > 0:
			x.Status = ControlFail
		case x.Passed > 0:
			x.Status = ControlPass
		default:
			x.Status = ControlNotEvaluated
		}
		slices.Sort(x.Rules)
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b ControlResult) int {
		return cmp.Or(cmp.Compare(rules.FrameworkRank(a.Framework), rules.FrameworkRank(b.Framework)), cmp.Compare(a.Framework, b.Framework),
			compareInFramework(cat, a, b), cmp.Compare(a.Version, b.Version))
	})
	return out
}

// judgedRules returns whether a rule was evaluated on the cluster: it did not err, and the
// facts it reads were collected (the same test that makes a PolicyReport result "skip").
func judgedRules(c ClusterReport) func(RuleInfo) bool {
	erred := map[string]bool{}
	for _, e := range c.RuleErrors {
		erred[e.Rule] = true
	}
	missing := missingFacts(c.Collection)
	return func(ru RuleInfo) bool { return !erred[ru.ID] && unjudged(ru, missing) == "" }
}

// countsAsOpen reports whether a finding counts against its controls: a waived one is
// accepted risk and does not fail them (as it fails no score).
func countsAsOpen(f policy.Finding) bool { return !f.Waived() }

// compareInFramework orders two controls of one framework: by the catalog when both are of
// its edition, else by their dotted ids.
func compareInFramework(cat *rules.Catalog, a, b ControlResult) int {
	ia, ib := cat.Order(a.Framework, a.ID), cat.Order(b.Framework, b.ID)
	if ia >= 0 && ib >= 0 && a.Version == b.Version {
		return cmp.Compare(ia, ib)
	}
	return compareDotted(a.ID, b.ID)
}

// compareDotted orders ids like 1.2.10 after 1.2.9, and others as strings.
func compareDotted(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] == pb[i] {
			continue
		}
		if len(pa[i]) != len(pb[i]) && isDigits(pa[i]) && isDigits(pb[i]) {
			return cmp.Compare(len(pa[i]), len(pb[i]))
		}
		return cmp.Compare(pa[i], pb[i])
	}
	return cmp.Compare(len(pa), len(pb))
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// ControlGroup is the controls of one framework (one table of the HTML and Markdown reports).
type ControlGroup struct {
	Framework string
	Title     string
	Passed    int
	Failed    int
	Controls  []ControlResult
}

// controlGroups splits a report's controls by framework, in report order.
func controlGroups(r *Report) []ControlGroup {
	var out []ControlGroup
	for _, c := range r.Controls {
		if len(out) == 0 || out[len(out)-1].Framework != c.Framework {
			g := ControlGroup{Framework: c.Framework, Title: c.Framework}
			if fw := rules.Controls().Framework(c.Framework); fw != nil {
				g.Title = fw.Title
			}
			out = append(out, g)
		}
		g := &out[len(out)-1]
		g.Controls = append(g.Controls, c)
		switch c.Status {
		case ControlPass:
			g.Passed++
		case ControlFail:
			g.Failed++
		}
	}
	return out
}

// controlName is a control's id with the edition when it differs from the catalog's.
func controlName(c ControlResult) string {
	if fw := rules.Controls().Framework(c.Framework); fw != nil && c.Version != "" && c.Version != fw.Version {
		return c.ID + " (" + c.Version + ")"
	}
	return c.ID
}
