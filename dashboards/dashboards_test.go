package dashboards

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/metrics"
)

var update = flag.Bool("update", false, "regenerate dashboards/json")

// TestGeneratedJSONIsCurrent: dashboards/json is generated from this package (make generate);
// CI fails when it drifts.
func TestGeneratedJSONIsCurrent(t *testing.T) {
	if *update {
		if _, err := Write("json"); err != nil {
			t.Fatal(err)
		}
	}
	for name, build := range All() {
		want, err := Render(build)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("json", name))
		if err != nil {
			t.Fatalf("%v (run make generate)", err)
		}
		if string(got) != string(want) {
			t.Errorf("dashboards/json/%s drifted from the Go code: run make generate", name)
		}
	}
	files, _ := filepath.Glob("json/*.json")
	if len(files) != len(All()) {
		t.Errorf("dashboards/json holds %d files, the code defines %d", len(files), len(All()))
	}
}

func TestDashboardsStructure(t *testing.T) {
	for name, build := range All() {
		b, err := Render(build)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			UID        string
			Tags       []string
			Links      []struct{ Tags []string }
			Templating struct{ List []struct{ Name string } }
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		vars := map[string]bool{}
		for _, v := range d.Templating.List {
			vars[v.Name] = true
		}
		if !vars["datasource"] || !vars["cluster"] {
			t.Errorf("%s: needs datasource and cluster variables, has %v", name, vars)
		}
		if len(d.Links) == 0 || d.Links[0].Tags[0] != Tag || d.Tags[0] != Tag {
			t.Errorf("%s: must carry the %q tag and link to the other fleetaudit dashboards", name, Tag)
		}
	}
}

var clusterSel = regexp.MustCompile(`cluster=~"\$cluster"`)

// TestQueriesUseEmittedMetrics: every query names only metrics fleetaudit emits, filters by
// the cluster variable, and every target has a refId unique in its panel.
func TestQueriesUseEmittedMetrics(t *testing.T) {
	known := map[string]bool{}
	for _, f := range metrics.Families {
		known[f.Name()] = true
	}
	qs, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 30 {
		t.Fatalf("only %d queries", len(qs))
	}
	refs := map[string]bool{}
	for _, q := range qs {
		names := metrics.MetricNames(q.Expr)
		if len(names) == 0 {
			t.Errorf("%s / %s: no fleetaudit metric in %q", q.Dashboard, q.Panel, q.Expr)
		}
		for _, n := range names {
			if !known[n] {
				t.Errorf("%s / %s: %s is not emitted", q.Dashboard, q.Panel, n)
			}
		}
		if !clusterSel.MatchString(q.Expr) && q.Panel != "Oldest last audit (of every replica)" { // a per-process metric: no cluster label
			t.Errorf("%s / %s: query ignores the cluster variable: %s", q.Dashboard, q.Panel, q.Expr)
		}
		key := q.Dashboard + "/" + q.Panel + "/" + q.RefID
		if q.RefID == "" || refs[key] {
			t.Errorf("%s / %s: refId %q missing or repeated", q.Dashboard, q.Panel, q.RefID)
		}
		refs[key] = true
	}
}
