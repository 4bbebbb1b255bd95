package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/internal/testkit/synth"
)

// fixtures are facts documents with findings from most rules: the demo fleet, a
// synthetic 10k-object cluster and the workload rules' fixture.
func fixtures(t testing.TB) []*facts.Cluster {
	t.Helper()
	var out []*facts.Cluster
	files, _ := filepath.Glob("../demo/fleet/*.json")
	if len(files) == 0 {
		t.Fatal("no demo fleet documents found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c facts.Cluster
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, &c)
	}
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	return append(out, synth.Facts(synth.Generate(3, 0, synth.ShapeFor(10000)), prices, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), workloadFixture())
}

// The direct conversion gives the same Rego value as encoding/json and parsing, for every
// facts path of the fixtures and for the cases it hands over to encoding/json.
func TestToTermMatchesJSON(t *testing.T) {
	check := func(name string, v any) {
		t.Helper()
		got, err := toTerm(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := viaJSON(reflect.ValueOf(v))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Value.Compare(want.Value) != 0 {
			t.Errorf("%s: direct conversion differs from JSON:\n got %v\nwant %v", name, got, want)
		}
	}
	for _, c := range fixtures(t) {
		for _, p := range facts.Paths() {
			if v, ok := c.PathValue(p); ok {
				check(c.Name+" "+p, v)
			}
		}
	}
	type inner struct {
		F float64 `json:"f"`
	}
	type edge struct {
		Invalid  string            `json:"invalid"`
		HTML     string            `json:"html"`
		Empty    string            `json:"empty,omitempty"`
		NilSlice []string          `json:"nilSlice"`
		NilMap   map[string]int    `json:"nilMap"`
		Omitted  []string          `json:"omitted,omitempty"`
		Bytes    []byte            `json:"bytes"`
		When     time.Time         `json:"when"`
		Any      map[string]any    `json:"any"`
		Ptr      *inner            `json:"ptr"`
		NilPtr   *inner            `json:"nilPtr"`
		Floats   []float64         `json:"floats"`
		Named    Severity          `json:"named"`
		Keys     map[string]string `json:"keys"`
		U8       uint8             `json:"u8"`
		Neg      int64             `json:"neg"`
		NoTag    string
		skipped  string
		Dash     string `json:"-"`
	}
	check("edge cases", edge{Invalid: "a\xffb", HTML: "<a&b>", Bytes: []byte("hi"), When: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		Any: map[string]any{"x": 1.5, "y": []any{nil, true, "s"}}, Ptr: &inner{F: 1e21}, Floats: []float64{0.1, 1, 1e-7, 3.0e20},
		Named: "high", Keys: map[string]string{"k": "v"}, U8: 7, Neg: -3, NoTag: "t", skipped: "s", Dash: "d"})
}

// Every part sees only the facts paths its rules declare. On the fixtures, that gives the
// same findings as seeing every path: the declarations are complete. And a staged evaluation,
// with paths made final in the order a live audit does, gives the same findings as a whole
// one.
func TestReadsDeclarationsAndStaging(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all.ignoreReads = true
	fired := map[string]bool{}
	for _, c := range fixtures(t) {
		want, err := all.Evaluate(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Evaluate(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d findings with declared reads, %d with every path: a custom.reads misses a path", c.Name, len(got), len(want))
		}
		for _, f := range want {
			fired[f.RuleID] = true
		}
		s := e.Begin(ctx)
		for _, paths := range [][]string{facts.PresetPaths, {"uid", "version", "nodes"},
			{"rbac.roles", "rbac.subjects", "rbac.danglingBindings"}, {"rbac.serviceAccounts"}, {"usage"}, {"cost"}, {"upgrade"}} {
			s.Final(c, paths...)
		}
		staged, err := s.Finish(c)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(staged, want) {
			t.Errorf("%s: staged evaluation gave %d findings, whole %d", c.Name, len(staged), len(want))
		}
	}
	// The comparison only means something for rules that fire on the fixtures.
	var silent []string
	for _, r := range e.Rules() {
		if !fired[r.ID] {
			silent = append(silent, r.ID)
		}
	}
	if len(silent) > len(e.Rules())/3 {
		t.Errorf("%d of %d rules fire on no fixture (%v): the reads check is too weak", len(silent), len(e.Rules()), silent)
	}
	t.Logf("rules with no finding on the fixtures: %v", silent)
}

// A rule that reads a path it does not declare sees it absent, live or not; the check above
// catches that. Here a deliberately incomplete declaration shows the check can fail.
func TestReadsCheckCatchesMissingPath(t *testing.T) {
	dir := t.TempDir()
	rule := `# METADATA
# title: Nodes counted
# custom:
#   id: TEST-001
#   severity: low
#   category: upgrade
#   reads: [usage]
package test.nodes

deny contains {"msg": sprintf("%d nodes", [count(input.cluster.nodes)]), "resource": "cluster"} if count(input.cluster.nodes) > 0
`
	if err := os.WriteFile(filepath.Join(dir, "nodes.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e, err := New(ctx, Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	c := fixtures(t)[0]
	fs, err := e.Evaluate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(fs, func(f Finding) bool { return f.RuleID == "TEST-001" }) {
		t.Fatal("a rule declaring reads [usage] saw input.cluster.nodes")
	}
	e.ignoreReads = true
	if fs, _ = e.Evaluate(ctx, c); !slices.ContainsFunc(fs, func(f Finding) bool { return f.RuleID == "TEST-001" }) {
		t.Fatal("with every path the rule should fire")
	}
}

// Embedded rules all declare what they read, so a live audit can schedule every one; a
// declaration naming an unknown path is an error that lists the known ones.
func TestReadsMetadata(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Rules() {
		if r.Reads == nil {
			t.Errorf("%s (%s) declares no custom.reads", r.ID, r.File)
		}
	}
	dir := t.TempDir()
	bad := "# METADATA\n# title: T\n# custom:\n#   id: T-1\n#   severity: low\n#   category: cost\n#   reads: [costs]\npackage t\n\ndeny contains {\"msg\": \"m\", \"resource\": \"r\"} if false\n"
	if err := os.WriteFile(filepath.Join(dir, "t.rego"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), Options{Dirs: []string{dir}})
	if err == nil || !containsAll(err.Error(), "t.rego", `unknown facts path "costs"`, "rbac.roles") {
		t.Fatalf("want an error naming the file, the path and the known paths; got %v", err)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// The input assembled from the converted facts paths is exactly the document's JSON, for
// full documents and for ones with sections missing.
func TestInputFromPathsMatchesDocument(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs := append(fixtures(t), &facts.Cluster{Name: "empty"},
		&facts.Cluster{Name: "rbac-only", RBAC: &facts.RBAC{Roles: map[string]facts.Role{}}})
	for _, c := range docs {
		s := e.Begin(context.Background())
		for _, p := range facts.Paths() {
			s.convert(c, p)
		}
		if s.err != nil {
			t.Fatal(s.err)
		}
		b, err := json.Marshal(Input{Cluster: c})
		if err != nil {
			t.Fatal(err)
		}
		want, err := ast.ValueFromReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.input(nil, nil); got.Compare(want) != 0 {
			t.Errorf("%s: input from paths differs from the document's JSON", c.Name)
		}
	}
}
