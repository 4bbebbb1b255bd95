package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// Markdown writes the report for a pull request or a wiki.
func Markdown(w io.Writer, r *Report) error {
	var b strings.Builder
	s := r.Summary
	fmt.Fprintf(&b, "# Fleet compliance report\n\nGenerated %s by fleetaudit.\n\n", r.GeneratedAt.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "## Fleet summary\n\n| clusters | fully audited | incomplete | not audited | critical | high | medium | low | info | per month |\n|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | $%.2f |\n\n", s.Clusters, s.Audited, s.Incomplete, s.Failed,
		s.Findings["critical"], s.Findings["high"], s.Findings["medium"], s.Findings["low"], s.Findings["info"], s.MonthlyCost)
	b.WriteString("## Compliance score per cluster\n\n| cluster | version | status | scores | profile |\n|---|---|---|---|---|\n")
	for _, c := range r.Clusters {
		var scores []string
		for _, fw := range sortedKeys(c.Scores) {
			sc := c.Scores[fw]
			scores = append(scores, fmt.Sprintf("%s %d/%d (%.0f%%)", fw, sc.Passed, sc.Evaluated, 100*sc.Ratio))
		}
		status := string(c.Status)
		if c.Problem != "" {
			status += ": " + c.Problem
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.Name, c.Version, md(status), strings.Join(scores, ", "), md(ProfileLine(c.Profile)))
	}
	if ch := r.Changes; ch != nil {
		fmt.Fprintf(&b, "\n## Changes since %s\n\n%d new, %d resolved, %d unchanged.\n\n", ch.Previous.Format("2006-01-02 15:04 UTC"), len(ch.New), len(ch.Resolved), ch.Unchanged)
		for _, sec := range []struct {
			title string
			fs    []policy.Finding
		}{{"New", ch.New}, {"Resolved", ch.Resolved}} {
			if len(sec.fs) == 0 {
				continue
			}
			fmt.Fprintf(&b, "### %s\n\n| severity | cluster | rule | resource | message |\n|---|---|---|---|---|\n", sec.title)
			for _, f := range sec.fs {
				fmt.Fprintf(&b, "| %s | %s | %s | `%s` | %s |\n", f.Severity, f.Cluster, f.RuleID, f.Resource.String(), md(f.Message))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n## Findings\n")
	for i := len(policy.Severities) - 1; i >= 0; i-- {
		sev := policy.Severities[i]
		var rows []string
		for _, c := range r.Clusters {
			for _, f := range c.Findings {
				if f.Severity == sev {
					rows = append(rows, fmt.Sprintf("| %s | %s | %s | `%s` | %s | %s |", c.Name, f.RuleID, f.ControlOf("CIS"), f.Resource.String(), md(f.Message), md(f.Remediation)))
				}
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s (%d)\n\n| cluster | rule | CIS id | resource | finding | remediation |\n|---|---|---|---|---|---|\n%s\n", sev, len(rows), strings.Join(rows, "\n"))
	}
	b.WriteString("\n## Cost and capacity mix\n\n| cluster | per hour | per month | nodes by capacity type | idle per hour |\n|---|---|---|---|---|\n")
	for _, c := range r.Clusters {
		if c.Cost == nil {
			continue
		}
		var mix []string
		for _, t := range sortedKeys(c.Cost.NodesByCapacity) {
			mix = append(mix, fmt.Sprintf("%s %d", t, c.Cost.NodesByCapacity[t]))
		}
		fmt.Fprintf(&b, "| %s | $%.4f | $%.2f | %s | $%.4f |\n", c.Name, c.Cost.Hourly, c.Cost.Monthly, strings.Join(mix, ", "), c.Cost.IdleHourly)
	}
	if s.Profile != "" {
		fmt.Fprintf(&b, "\n## Upgrade readiness (%s)\n\n| cluster | target | decision | reasons |\n|---|---|---|---|\n", s.Profile)
		for _, c := range r.Clusters {
			if d := c.Upgrade; d != nil {
				dec := "ready"
				if !d.Allowed {
					dec = "blocked"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Name, d.Target, dec, md(strings.Join(d.Reasons, "; ")))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// md escapes table cell text.
func md(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
