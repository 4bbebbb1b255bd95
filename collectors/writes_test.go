package collectors

import (
	"slices"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Each facts path is written by exactly one collector (so declaring it final when that
// collector is done is safe), except the fields set before any collector runs and the
// collection record, which every collector appends to, and source, which only facts built
// from files (internal/manifests) have.
func TestCollectorsWriteEveryPathOnce(t *testing.T) {
	cs := All(Config{CIS: CISConfig{Sources: map[string]CISSource{"*": {}}}, Usage: UsageConfig{PrometheusURLs: map[string]string{"*": "http://prometheus:9090"}}})
	writer := map[string]string{}
	for _, c := range cs {
		w, ok := c.(Writer)
		if !ok {
			t.Errorf("collector %s does not declare the facts paths it writes", c.Name())
			continue
		}
		for _, p := range w.Writes() {
			if !slices.Contains(facts.Paths(), p) {
				t.Errorf("collector %s writes unknown path %q", c.Name(), p)
			}
			if other, dup := writer[p]; dup {
				t.Errorf("path %s is written by %s and %s", p, other, c.Name())
			}
			writer[p] = c.Name()
		}
	}
	for _, p := range facts.Paths() {
		before := slices.Contains(facts.PresetPaths, p) || p == "collection" || p == "source"
		if _, ok := writer[p]; ok == before {
			t.Errorf("path %s: written by a collector = %v, want %v", p, ok, !before)
		}
	}
}

// The state of a live cluster, which facts built from files lack, is exactly what the
// identity, usage, cost, CIS, certificates, autoscaling, observability, scrapes and backup
// collectors write: the rules reading it are skipped on files.
func TestLivePaths(t *testing.T) {
	if got, want := LivePaths(), []string{"autoscaling", "backup", "certificates", "cis", "cost", "nodes", "observability.daemonSets",
		"observability.metricsAPI", "observability.prometheus", "observability.schedulableNodes", "uid", "usage"}; !slices.Equal(got, want) {
		t.Errorf("LivePaths() = %v, want %v", got, want)
	}
	if !ReadsPath([]string{"rbac"}, "rbac.roles") || !ReadsPath([]string{"usage.pods"}, "usage") || ReadsPath([]string{"workloads"}, "usage") || !ReadsPath(nil, "nodes") {
		t.Error("ReadsPath does not match reads to paths as the reports' unjudged test does")
	}
}
