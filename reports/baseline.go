package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
)

// Baseline compares a run with an earlier report (--baseline FILE): each finding of the run is
// marked new or unchanged (policy.Finding.Baseline), and the findings the baseline had that
// the run no longer has are resolved.
type Baseline struct {
	// File is the baseline report as given.
	File string `json:"file"`
	// GeneratedAt is when the baseline report was generated.
	GeneratedAt time.Time `json:"generatedAt"`
	New         int       `json:"new"`
	Unchanged   int       `json:"unchanged"`
	// Resolved are the baseline's findings the run no longer has, on clusters it audited
	// with the rule evaluated.
	Resolved []policy.Finding `json:"resolved"`
}

// MaxBaselineSize bounds the baseline report read: a report of thousands of clusters is
// tens of MiB.
const MaxBaselineSize = 256 << 20

// ReadBaseline reads a baseline report: the JSON of audit -o json or a report folder's
// report.json, of this schema or v1alpha1. Errors name the file and what to give instead.
func ReadBaseline(path string) (*Report, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		hint := "such as DIR/<run>/report.json of a report folder"
		if runs, _ := (History{Dir: path}).Runs(); len(runs) > 0 {
			hint = "here the newest run's " + filepath.Join(path, runs[len(runs)-1], FileName("json"))
		}
		return nil, fmt.Errorf("baseline %s is a folder: give one JSON report, %s", path, hint)
	}
	b, err := sizelimit.ReadFile(path, MaxBaselineSize)
	if sizelimit.Is(err) {
		return nil, fmt.Errorf("baseline %w: give the JSON of one audit (fleetaudit audit -o json, or a report folder's report.json)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	r, err := decodeReport(path, b, "write the baseline again with this build (fleetaudit audit -o json)")
	if err != nil {
		return nil, fmt.Errorf("baseline %w", err)
	}
	return r, nil
}

// CompareBaseline marks every finding of r new or unchanged against base (read from file)
// and sets r.Baseline. Identities are those of the history's changes (Identity).
func (r *Report) CompareBaseline(base *Report, file string) {
	seen, resolved := compare(base, r)
	b := &Baseline{File: file, GeneratedAt: base.GeneratedAt, Resolved: resolved}
	for i, c := range r.Clusters {
		for j := range c.Findings {
			f := &c.Findings[j]
			if seen[i][j] {
				f.Baseline = policy.BaselineUnchanged
				b.Unchanged++
			} else {
				f.Baseline = policy.BaselineNew
				b.New++
			}
		}
	}
	r.Baseline = b
}

// NewAtLeast reports whether a new finding (not waived) is at or above min: what
// --fail-on-new judges.
func (r *Report) NewAtLeast(min policy.Severity) bool {
	return slices.ContainsFunc(newFindings(r), func(f policy.Finding) bool { return !f.Waived() && f.Severity.AtLeast(min) })
}

// newFindings are the findings the baseline did not have, most severe first.
func newFindings(r *Report) []policy.Finding {
	return r.FindingsWhere(func(f policy.Finding) bool { return f.Baseline == policy.BaselineNew })
}

// markdownBaseline writes the section comparing the run with its baseline.
func markdownBaseline(b *strings.Builder, r *Report) {
	bl := r.Baseline
	if bl == nil {
		return
	}
	fmt.Fprintf(b, "\n## Against the baseline\n\nBaseline %s (generated %s): %d new, %d unchanged, %d resolved.\n\n",
		code(bl.File), bl.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"), bl.New, bl.Unchanged, len(bl.Resolved))
	markdownFindingList(b, "New since the baseline", newFindings(r))
	markdownFindingList(b, "Resolved since the baseline", bl.Resolved)
}
