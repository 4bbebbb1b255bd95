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
	if r.Shards != nil {
		fmt.Fprintf(&b, "Shards: %s.\n\n", r.Shards)
	}
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
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", md(c.Name), md(c.Version), md(status), strings.Join(scores, ", "), md(ProfileLine(c.Profile)))
	}
	if ch := r.Changes; ch != nil {
		fmt.Fprintf(&b, "\n## Changes since %s\n\n%d new, %d resolved, %d unchanged.\n\n", ch.Previous.Format("2006-01-02 15:04 UTC"), len(ch.New), len(ch.Resolved), ch.Unchanged)
		markdownFindingList(&b, "New", ch.New)
		markdownFindingList(&b, "Resolved", ch.Resolved)
	}
	markdownBaseline(&b, r)
	b.WriteString("\n## Controls\n")
	for _, g := range controlGroups(r) {
		fmt.Fprintf(&b, "\n### %s (%d passed, %d failed, %d controls)\n\n| control | title | status | clusters passed / failed / not evaluated | findings | rules |\n|---|---|---|---|---|---|\n",
			md(g.Title), g.Passed, g.Failed, len(g.Controls))
		for _, c := range g.Controls {
			fmt.Fprintf(&b, "| %s | %s | %s | %d / %d / %d | %d | %s |\n", code(controlName(c)), md(c.Title), c.Status, c.Passed, c.Failed, c.NotEvaluated, c.Findings, md(strings.Join(c.Rules, ", ")))
		}
	}
	b.WriteString("\n## Findings\n")
	for i := len(policy.Severities) - 1; i >= 0; i-- {
		sev := policy.Severities[i]
		var rows []string
		for _, c := range r.Clusters {
			for _, f := range c.Findings {
				if f.Severity == sev {
					rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", md(c.Name), md(f.RuleID), md(f.ControlOf("CIS")), code(f.Resource.String()), md(withWaiver(f)), md(f.Remediation)))
				}
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s (%d)\n\n| cluster | rule | CIS id | resource | finding | remediation |\n|---|---|---|---|---|---|\n%s\n", sev, len(rows), strings.Join(rows, "\n"))
	}
	markdownAcceptedRisk(&b, r)
	markdownCertificates(&b, r)
	b.WriteString("\n## Cost and capacity mix\n\n| cluster | per hour | per month | nodes by capacity type | idle per hour |\n|---|---|---|---|---|\n")
	for _, c := range r.Clusters {
		if c.Cost == nil {
			continue
		}
		var mix []string
		for _, t := range sortedKeys(c.Cost.NodesByCapacity) {
			mix = append(mix, fmt.Sprintf("%s %d", md(t), c.Cost.NodesByCapacity[t]))
		}
		fmt.Fprintf(&b, "| %s | $%.4f | $%.2f | %s | $%.4f |\n", md(c.Name), c.Cost.Hourly, c.Cost.Monthly, strings.Join(mix, ", "), c.Cost.IdleHourly)
	}
	if rows := Readiness(r); len(rows) > 0 {
		b.WriteString("\n## Autoscaling and observability\n\n| cluster | autoscaling findings | missing signals | not judged |\n|---|---|---|---|\n")
		for _, row := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(row.Cluster), md(row.Autoscaling), md(row.MissingSignals), md(row.NotJudged))
		}
	}
	markdownBackup(&b, r)
	if s.Profile != "" {
		fmt.Fprintf(&b, "\n## Upgrade readiness (%s)\n\n| cluster | target | decision | reasons |\n|---|---|---|---|\n", md(s.Profile))
		for _, c := range r.Clusters {
			if d := c.Upgrade; d != nil {
				dec := "ready"
				if !d.Allowed {
					dec = "blocked"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(c.Name), md(d.Target), dec, md(strings.Join(d.Reasons, "; ")))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownFindingList writes a titled table of findings (nothing when there are none).
func markdownFindingList(b *strings.Builder, title string, fs []policy.Finding) {
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s\n\n| severity | cluster | rule | resource | message |\n|---|---|---|---|---|\n", title)
	for _, f := range fs {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", md(string(f.Severity)), md(f.Cluster), md(f.RuleID), code(f.Resource.String()), md(f.Message))
	}
	b.WriteString("\n")
}

// md makes text safe in a Markdown table cell: HTML is written as entities (a name such as
// <script> stays text in every renderer), Markdown's inline syntax (emphasis, strikethrough,
// links and images, code) is backslash-escaped, "|" cannot end the cell and line breaks cannot end
// the row. Control characters are dropped.
func md(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029:
			// dropped: invisible, and some renderers treat them as breaks
		case strings.ContainsRune("\\`*_[]|~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code writes s as a Markdown code span that no content can close early: the fence is one
// backtick longer than the longest run of backticks in s. Inside a table "|" is still escaped
// (GitHub-flavoured Markdown splits cells before it parses code spans).
func code(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, "|", `\|`)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
