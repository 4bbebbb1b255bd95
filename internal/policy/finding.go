package policy

import (
	"cmp"
	"slices"
)

// Finding is one result of one rule on one cluster.
type Finding struct {
	Cluster  string `json:"cluster"`
	RuleID   string `json:"rule"`
	Title    string `json:"title"`
	Category string `json:"category"`
	// Framework is the compliance framework of the rule (rbac, cis), if any.
	Framework string   `json:"framework,omitempty"`
	Severity  Severity `json:"severity"`
	// Kind is "deny" (a violation) or "warn" (advice).
	Kind        string   `json:"kind"`
	Resource    string   `json:"resource"`
	Message     string   `json:"message"`
	Remediation string   `json:"remediation,omitempty"`
	References  []string `json:"references,omitempty"`
	// Details holds any further fields the rule put in its finding object.
	Details map[string]any `json:"details,omitempty"`
}

// SortFindings orders findings deterministically: most severe first, then cluster, rule,
// resource and message.
func SortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			cmp.Compare(a.Cluster, b.Cluster),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Resource, b.Resource),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
