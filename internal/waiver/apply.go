package waiver

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// ExpiredRuleID is the built-in rule whose findings are expired waivers.
const ExpiredRuleID = "FA-WAIVER-001"

// ExpiredRule describes ExpiredRuleID, so outputs list it among the rules evaluated.
func ExpiredRule() *policy.Rule {
	return &policy.Rule{ID: ExpiredRuleID, Title: "Waivers must be renewed or removed when they expire",
		Description: "A waiver (an accepted risk of the --waivers file) is past its expiry: it no longer waives the findings it covered, and each waived resource is reported here until the waiver is renewed or deleted.",
		Severity:    policy.SeverityMedium, Severities: []policy.Severity{policy.SeverityMedium}, Category: policy.CategoryCompliance,
		Remediation: "Fix the finding and delete the waiver, or, if the risk is still accepted, have its owner set a new expires date (and reason).",
		File:        "(built in: internal/waiver)", HasDeny: true}
}

// Matches reports whether the waiver covers f (expiry aside): the same rule, a cluster glob
// matching f's cluster, and, when given, the namespace and resource globs matching f's
// object. Kinds match case-insensitively.
func (w *Waiver) Matches(f policy.Finding) bool {
	if f.RuleID != w.Rule || !anyGlob(w.Clusters, f.Cluster) {
		return false
	}
	if w.Namespace != "" {
		ns := f.Resource.NamespaceScope()
		if ok, _ := path.Match(w.Namespace, ns); !ok || ns == "" {
			return false
		}
	}
	if w.Resource != "" {
		if ok, _ := path.Match(w.kind, strings.ToLower(f.Resource.Kind)); !ok {
			return false
		}
		if ok, _ := path.Match(w.name, f.Resource.Name); !ok {
			return false
		}
	}
	return true
}

func anyGlob(globs []string, s string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, s); ok {
			return true
		}
	}
	return false
}

// mark is the policy.Waiver a finding carries.
func (w *Waiver) mark(now time.Time) *policy.Waiver {
	return &policy.Waiver{Owner: w.Owner, Reason: w.Reason, Expires: w.ExpiresText(), Ticket: w.Ticket, Source: w.Source(),
		ExpiringSoon: w.ExpiringSoon(now)}
}

// Apply marks, in place, the findings that a waiver active at now covers (the first such
// waiver in file order), and returns the findings of expired waivers — one per expired
// waiver, cluster and resource it still covers — and how many findings each waiver (by index
// in s.Waivers, active or expired) matched. A nil set waives nothing.
func (s *Set) Apply(fs []policy.Finding, now time.Time) (expired []policy.Finding, matched []int) {
	if s == nil {
		return nil, nil
	}
	matched = make([]int, len(s.Waivers))
	raised := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		if f.RuleID == ExpiredRuleID {
			continue
		}
		for j, w := range s.Waivers {
			if !w.Matches(*f) {
				continue
			}
			matched[j]++
			if w.Active(now) {
				if f.Waiver == nil {
					f.Waiver = w.mark(now)
				}
				continue
			}
			key := fmt.Sprintf("%d\x00%s\x00%s", j, f.Cluster, f.Resource.String())
			if !raised[key] {
				raised[key] = true
				expired = append(expired, w.expiredFinding(*f))
			}
		}
	}
	return expired, matched
}

// expiredFinding is the finding of an expired waiver w that still covers f.
func (w *Waiver) expiredFinding(f policy.Finding) policy.Finding {
	r := ExpiredRule()
	res := f.Resource
	return policy.Finding{Cluster: f.Cluster, RuleID: r.ID, Title: r.Title, Category: r.Category, Severity: r.Severity, Kind: "deny",
		Resource: res, Remediation: r.Remediation,
		Message: fmt.Sprintf("the waiver of %s for %s (owner %s, %s) expired on %s: its findings count again; renew it with a new expiry or fix them and delete it",
			w.Rule, res.String(), w.Owner, w.Source(), w.ExpiresText()),
		Details: map[string]any{"waivedRule": w.Rule, "owner": w.Owner, "expires": w.ExpiresText(), "source": w.Source()}}
}
