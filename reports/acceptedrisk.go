package reports

import (
	"fmt"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
)

// The "Accepted risk" section of the Markdown and HTML reports (with --waivers): the findings
// waived, with owner, reason, expiry and ticket, then the waivers that need someone: expiring
// soon, expired, stale. It is its own section (and template) so other sections merge apart.

// waivedFindings are the report's waived findings, most severe first.
func waivedFindings(r *Report) []policy.Finding { return r.FindingsWhere(policy.Finding.Waived) }

// withWaiver is a finding's message, followed by its waiver when it has one.
func withWaiver(f policy.Finding) string {
	if f.Waiver == nil {
		return f.Message
	}
	return f.Message + " (waived: " + f.Waiver.String() + ")"
}

// waiverGroups are the lists of waivers that need attention, titled and explained.
func waiverGroups(s *waiver.Summary) []waiverGroup {
	return []waiverGroup{
		{"Expiring soon", fmt.Sprintf("within %d days: renew them (new expires, reason) or fix the findings", waiver.ExpiringSoonDays), s.ExpiringSoon},
		{"Expired", "they waive nothing any more; each resource they covered is a " + waiver.ExpiredRuleID + " finding", s.Expired},
		{"Stale", "they matched no finding of this run: delete them, or fix their rule, clusters, namespace or resource", s.Stale},
	}
}

type waiverGroup struct {
	Title, Note string
	Waivers     []waiver.Status
}

// waiverScope is what a waiver covers, in words: "FA-QUO-002 on prod-* in payments, Namespace/payments".
func waiverScope(w waiver.Status) string {
	s := w.Rule + " on " + strings.Join(w.Clusters, ", ")
	if w.Namespace != "" {
		s += " in namespace " + w.Namespace
	}
	if w.Resource != "" {
		s += ", " + w.Resource
	}
	return s
}

// markdownAcceptedRisk writes the Accepted risk section.
func markdownAcceptedRisk(b *strings.Builder, r *Report) {
	s := r.Waivers
	if s == nil {
		return
	}
	fmt.Fprintf(b, "\n## Accepted risk\n\nWaivers of %s: %d findings waived. Waivers expiring within %d days: %d; expired: %d; stale: %d.\n",
		code(s.File), s.Waived, waiver.ExpiringSoonDays, len(s.ExpiringSoon), len(s.Expired), len(s.Stale))
	if fs := waivedFindings(r); len(fs) > 0 {
		b.WriteString("\n| severity | cluster | rule | resource | finding | owner | reason | expires | ticket |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, f := range fs {
			w := f.Waiver
			expires := md(w.Expires)
			if w.ExpiringSoon {
				expires += " (soon)"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", md(string(f.Severity)), md(f.Cluster), md(f.RuleID),
				code(f.Resource.String()), md(f.Message), md(w.Owner), md(w.Reason), expires, md(w.Ticket))
		}
	}
	for _, g := range waiverGroups(s) {
		if len(g.Waivers) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n### %s\n\n%s.\n\n| waiver | covers | owner | reason | expires | ticket | findings matched |\n|---|---|---|---|---|---|---|\n", g.Title, g.Note)
		for _, w := range g.Waivers {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %d |\n", code(w.Source), md(waiverScope(w)), md(w.Owner), md(w.Reason), md(w.Expires), md(w.Ticket), w.Matched)
		}
	}
}
