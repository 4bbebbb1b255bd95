package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// Table writes the report as one section per cluster followed by a fleet summary line.
func Table(w io.Writer, a *Report) error {
	var b strings.Builder
	counts := map[policy.Severity]int{}
	failed, partial, waived := 0, 0, 0
	for i, r := range a.Clusters {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "CLUSTER %s", plain(r.Name))
		if r.Version != "" {
			fmt.Fprintf(&b, "  %s, %d nodes", plain(r.Version), r.Nodes)
		}
		fmt.Fprintf(&b, "  [%s]\n", r.Status)
		switch r.Status {
		case facts.StatusFailed:
			failed++
			fmt.Fprintf(&b, "  could not be audited: %s\n", plain(r.Problem))
			continue
		case facts.StatusPartial:
			partial++
			fmt.Fprintf(&b, "  incomplete: %s\n", plain(r.Problem))
		}
		if line := scoreLine(r.Scores); line != "" {
			fmt.Fprintf(&b, "  compliance: %s\n", line)
		}
		if line := ProfileLine(r.Profile); line != "" {
			fmt.Fprintf(&b, "  profile: %s\n", plain(line))
		}
		writeSkipped(&b, r.Skipped)
		if len(r.Findings) == 0 {
			b.WriteString("  no findings\n")
			continue
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		// A STATUS column only when waivers or a baseline can fill it, a LOCATION column
		// only when findings are placed in files.
		status := a.Waivers != nil || a.Baseline != nil
		located := slices.ContainsFunc(r.Findings, func(f policy.Finding) bool { return f.Location != nil })
		head := "SEVERITY\tRULE\tCATEGORY\tRESOURCE\t"
		if status {
			head = "STATUS\t" + head
		}
		if located {
			head += "LOCATION\t"
		}
		fmt.Fprint(tw, "  "+head+"MESSAGE\n")
		for _, f := range r.Findings {
			if f.Waived() {
				waived++
			} else {
				counts[f.Severity]++
			}
			lead := "  "
			if status {
				lead += findingStatus(f) + "\t"
			}
			where := ""
			if located {
				where = "-\t"
				if f.Location != nil {
					where = plain(fmt.Sprintf("%s:%d", f.Location.File, f.Location.Line)) + "\t"
				}
			}
			fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s%s\n", lead, f.Severity, plain(f.RuleID), f.Category, plain(f.Resource.String()), where, plain(f.Message))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(&b, "\nFLEET %d clusters: %d audited, %d incomplete, %d failed; findings:",
		len(a.Clusters), len(a.Clusters)-failed-partial, partial, failed)
	for i := len(policy.Severities) - 1; i >= 0; i-- {
		s := policy.Severities[i]
		fmt.Fprintf(&b, " %d %s", counts[s], s)
		if i > 0 {
			b.WriteString(",")
		}
	}
	if a.Shards != nil {
		fmt.Fprintf(&b, "; shards: %s", a.Shards)
	}
	if bl := a.Baseline; bl != nil {
		fmt.Fprintf(&b, "; against the baseline: %d new, %d unchanged, %d resolved", bl.New, bl.Unchanged, len(bl.Resolved))
	}
	if a.Waivers != nil {
		fmt.Fprintf(&b, "; %d waived", waived)
		if n := len(a.Waivers.Stale) + len(a.Waivers.Expired) + len(a.Waivers.ExpiringSoon); n > 0 {
			fmt.Fprintf(&b, " (waivers: %d expiring soon, %d expired, %d stale)", len(a.Waivers.ExpiringSoon), len(a.Waivers.Expired), len(a.Waivers.Stale))
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSkipped lists the rules not judged on a cluster, one line per reason.
func writeSkipped(b *strings.Builder, skipped []SkippedRule) {
	var reasons []string
	byReason := map[string][]string{}
	for _, s := range skipped {
		if byReason[s.Reason] == nil {
			reasons = append(reasons, s.Reason)
		}
		byReason[s.Reason] = append(byReason[s.Reason], s.Rule)
	}
	for _, why := range reasons {
		fmt.Fprintf(b, "  skipped %s: %s\n", plain(strings.Join(byReason[why], ", ")), plain(why))
	}
}

// findingStatus is the STATUS cell: "new" against a baseline, then "waived until DATE" (and
// "soon" when it expires within 14 days); "-" for neither.
func findingStatus(f policy.Finding) string {
	var parts []string
	if f.Baseline == policy.BaselineNew {
		parts = append(parts, "new")
	}
	if w := f.Waiver; w != nil {
		s := "waived until " + w.Expires
		if w.ExpiringSoon {
			s += " (soon)"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// Plain is plain for the command's own tables (cluster names are untrusted).
func Plain(s string) string { return plain(s) }

// plain makes text safe for a terminal: control characters (escape sequences that could
// rewrite the screen or the title, tabs and line breaks that would break the table) are
// shown as \x.. instead of being sent.
func plain(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// ProfileLine renders a cluster's place in the catalog: "held to platform@3.1.0, runs
// platform@3.1.0, update available: platform@3.3.0" ("" without bindings).
func ProfileLine(st *binding.State) string {
	if st == nil {
		return ""
	}
	var parts []string
	if st.HeldTo != "" {
		parts = append(parts, "held to "+st.HeldTo)
	} else {
		parts = append(parts, "bound to "+st.Profile+", no version for its Kubernetes minor")
	}
	switch {
	case st.Runs != "" && st.RunsFrom == "facts+history":
		parts = append(parts, "runs "+st.Runs+" (facts and the gate's history)")
	case st.Runs != "":
		parts = append(parts, "runs "+st.Runs)
	case st.Problem == "":
		parts = append(parts, "runs no catalog version exactly (drifted)")
	}
	if st.UpdateAvailable {
		parts = append(parts, "update available: "+st.Newest)
	}
	if m := st.LastMove; m != nil {
		parts = append(parts, fmt.Sprintf("last move allowed: %s to %s on %s", m.Profile, m.Target, m.Time.UTC().Format("2006-01-02")))
	}
	if st.Problem != "" {
		parts = append(parts, st.Problem)
	}
	return strings.Join(parts, ", ")
}

// scoreLine renders scores as "cis 12/15 (80%), rbac 18/20 (90%)", frameworks sorted.
func scoreLine(scores map[string]policy.Score) string {
	var parts []string
	for _, fw := range slices.Sorted(maps.Keys(scores)) {
		s := scores[fw]
		parts = append(parts, fmt.Sprintf("%s %d/%d (%.0f%%)", fw, s.Passed, s.Evaluated, 100*s.Ratio))
	}
	return strings.Join(parts, ", ")
}
