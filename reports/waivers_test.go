package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
)

// waivedNow is the clock of the waived demo report: examples/waivers.yaml's FA-QUO-002
// waiver (expires 2027-01-15) is then expiring soon.
var waivedNow = time.Date(2027, 1, 5, 6, 30, 0, 0, time.UTC)

// demoWaivedReport audits the demo fleet with examples/waivers.yaml at waivedNow.
func demoWaivedReport(t *testing.T, file string) *Report {
	t.Helper()
	ctx := context.Background()
	engine, err := policy.New(ctx, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range engine.Rules() {
		ids = append(ids, r.ID)
	}
	set, err := waiver.Load(file, ids)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := fleet.OpenSnapshot("../internal/demo/fleet", fleet.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := fleet.Run(ctx, snap.Jobs(), engine, fleet.Options{Now: func() time.Time { return waivedNow }, Waivers: set}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Build(a, engine.Rules(), nil, nil, "", waivedNow)
}

// TestExampleWaivers: examples/waivers.yaml loads, and every waiver in it waives a finding
// of the demo fleet (none stale, none expired); the quarterly one shows as expiring soon.
func TestExampleWaivers(t *testing.T) {
	r := demoWaivedReport(t, "../examples/waivers.yaml")
	s := r.Waivers
	if s == nil || len(s.Stale) != 0 || len(s.Expired) != 0 || len(s.ExpiringSoon) != 1 || s.ExpiringSoon[0].Rule != "FA-QUO-002" || s.Waived < 7 {
		t.Fatalf("examples/waivers.yaml on the demo fleet: %+v", s)
	}
	if r.Summary.Waived != s.Waived {
		t.Errorf("summary counts %d waived, the waiver summary %d", r.Summary.Waived, s.Waived)
	}
	open, waived := 0, 0
	for _, c := range r.Clusters {
		for _, f := range c.Findings {
			if f.Waived() {
				waived++
			} else {
				open++
			}
		}
	}
	total := 0
	for _, n := range r.Summary.Findings {
		total += n
	}
	if total != open || waived != s.Waived {
		t.Errorf("summary.findings counts %d, want the %d open findings (%d waived)", total, open, waived)
	}
	if r.Rules[len(r.Rules)-1].ID != waiver.ExpiredRuleID {
		t.Errorf("with waivers, %s is among the rules", waiver.ExpiredRuleID)
	}
}

// TestWaivedGoldenFiles renders the demo report with examples/waivers.yaml: the Accepted
// risk sections, the table's STATUS column, skipped JUnit cases and the CSV's waiver columns
// (go test ./reports -update rewrites them).
func TestWaivedGoldenFiles(t *testing.T) {
	r := demoWaivedReport(t, "../examples/waivers.yaml")
	for _, name := range []string{"table", "md", "html", "json", "junit", "csv", "sarif"} {
		var b bytes.Buffer
		if err := Write(&b, r, name); err != nil {
			t.Fatal(err)
		}
		file := FileName(name)
		if file == "" {
			file = name + ".txt"
		}
		path := filepath.Join("testdata/golden/waived", file)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./reports -update)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s differs from its golden file (go test ./reports -update, then review the diff)", path)
		}
	}
}

// TestAcceptedRiskSection: each format shows who accepted which risk until when, and the
// waivers that need someone (expired, stale) — not only in the golden files.
func TestAcceptedRiskSection(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../examples/waivers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// One waiver expired (the quarterly one, a day late) and one that matches nothing.
	doc := strings.Replace(string(src), "expires: 2027-01-15", "expires: 2027-01-04", 1) + `  - rule: FA-RBAC-001
    clusters: "staging-*"
    owner: nobody@example.com
    reason: the cluster it was for is gone
    expires: 2027-06-30
`
	file := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r := demoWaivedReport(t, file)
	render := func(format string) string {
		var b bytes.Buffer
		if err := Write(&b, r, format); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	md, html, table, junit := render("md"), render("html"), render("table"), render("junit")
	for _, want := range []string{"## Accepted risk", "security-team@example.com", "break-glass administrator", "2027-06-30",
		"https://tracker.example.com/SEC-412", "### Expired", "### Stale", "nobody@example.com", "FA-RBAC-001 on staging-\\*"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	for _, want := range []string{`<section id="accepted-risk">`, "<h3>Expired</h3>", "<h3>Stale</h3>", "security-team@example.com", "https://tracker.example.com/SEC-412"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, want := range []string{"STATUS", "waived until 2027-06-30", "FA-WAIVER-001", "(waivers: 0 expiring soon, 1 expired, 1 stale)"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	if !strings.Contains(junit, `<skipped message="1 findings waived (accepted risk)">`) || !strings.Contains(junit, "FA-WAIVER-001") {
		t.Errorf("JUnit: a rule whose findings are all waived is skipped, and the expired waiver's rule is a case")
	}
	pr, err := Render(r, "policyreport")
	if err != nil {
		t.Fatal(err)
	}
	if y := string(pr["policyreports/prod-eu-west.yaml"]); !strings.Contains(y, "result: skip") || !strings.Contains(y, "waiver.owner: security-team@example.com") {
		t.Errorf("PolicyReport: a waived finding is a skip result with its waiver")
	}
}
