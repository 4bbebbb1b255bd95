package collectors

import (
	"context"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// TestPerClusterCollectorsRunOnlyWhereConfigured: a CIS source or a Prometheus given for one
// cluster only is not run on the others, so their rules are reported as not judged (no
// collection entry) instead of passing on missing facts; where configured it runs (here it
// fails on an unreachable source, and says so).
func TestPerClusterCollectorsRunOnlyWhereConfigured(t *testing.T) {
	cs := []Collector{
		CIS{Config: CISConfig{Sources: map[string]CISSource{"edge": {Kind: CISFile, Path: t.TempDir() + "/missing"}}}},
		Scrapes{Config: UsageConfig{PrometheusURLs: map[string]string{"edge": "http://127.0.0.1:1"}}},
	}
	runs := func(cluster string) map[string]string {
		c := &facts.Cluster{Name: cluster}
		Run(context.Background(), cs, Target{}, c)
		out := map[string]string{}
		for _, r := range c.Collection {
			out[r.Collector] = r.Error
		}
		return out
	}
	if got := runs("core"); len(got) != 0 {
		t.Errorf("core has no CIS source and no Prometheus, yet ran %v", got)
	}
	got := runs("edge")
	if len(got) != 2 || got["cis"] == "" || got["scrapes"] == "" {
		t.Errorf("edge: runs %v, want cis and scrapes, each failing on its unreachable source", got)
	}
}
