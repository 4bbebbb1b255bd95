package collectors

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/testkit/testprom"
)

// usageSamples renders 90 minutes of cAdvisor-style samples (every 30 s, up to now)
// for the given pods: CPU counters growing at cores per second, constant working sets.
func usageSamples(cluster string, pods map[string][2]float64) string {
	end := time.Now().Truncate(time.Second)
	start := end.Add(-90 * time.Minute)
	var b strings.Builder
	b.WriteString("# TYPE container_cpu_usage_seconds counter\n")
	for key, v := range pods {
		ns, pod, _ := strings.Cut(key, "/")
		cores := v[0]
		labels := `cluster="` + cluster + `",namespace="` + ns + `",pod="` + pod + `",container="app"`
		b.WriteString(testprom.Series("container_cpu_usage_seconds_total", labels, start, end, 30*time.Second,
			func(i int) float64 { return float64(i) * 30 * cores }))
	}
	b.WriteString("# TYPE container_memory_working_set_bytes gauge\n")
	for key, v := range pods {
		ns, pod, _ := strings.Cut(key, "/")
		labels := `cluster="` + cluster + `",namespace="` + ns + `",pod="` + pod + `",container="app"`
		b.WriteString(testprom.Series("container_memory_working_set_bytes", labels, start, end, 30*time.Second,
			func(int) float64 { return v[1] }))
	}
	b.WriteString("# EOF\n")
	return b.String()
}

// TestPrometheusUsageFromRealPrometheus backfills samples of two clusters into a real
// Prometheus and reads one cluster's per-pod usage through the cluster label.
func TestPrometheusUsageFromRealPrometheus(t *testing.T) {
	om := usageSamples("east", map[string][2]float64{"web/a": {0.25, 512 << 20}, "web/b": {1.5, 1 << 30}})
	west := usageSamples("west", map[string][2]float64{"web/a": {3, 1 << 20}})
	data := testprom.Backfill(t, mergeOpenMetrics(om, west))
	p := testprom.Start(t, "global:\n  scrape_interval: 1m\n", data)
	got, err := PrometheusUsage(context.Background(), p.URL, "cluster", "east", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("want 2 pods of cluster east, got %v", got)
	}
	// rate() of a counter growing 0.25/s is 0.25 cores = 250m; working set constant 512 MiB.
	if a := got["web/a"]; a.CPUMillis != 250 || a.MemoryBytes != 512<<20 {
		t.Errorf("web/a usage %+v, want 250m and 512Mi", a)
	}
	if b := got["web/b"]; b.CPUMillis != 1500 || b.MemoryBytes != 1<<30 {
		t.Errorf("web/b usage %+v, want 1500m and 1Gi", b)
	}
	if _, err := PrometheusUsage(context.Background(), "http://127.0.0.1:1", "", "east", time.Hour); err == nil {
		t.Error("an unreachable Prometheus must be an error")
	}
}

// mergeOpenMetrics interleaves the families of two OpenMetrics documents written by
// usageSamples (same family order), so each family has one TYPE line.
func mergeOpenMetrics(a, b string) string {
	split := func(s string) []string {
		s = strings.TrimSuffix(s, "# EOF\n")
		parts := strings.Split(s, "# TYPE ")
		return parts[1:]
	}
	pa, pb := split(a), split(b)
	var out strings.Builder
	for i := range pa {
		out.WriteString("# TYPE " + pa[i])
		_, body, _ := strings.Cut(pb[i], "\n")
		out.WriteString(body)
	}
	out.WriteString("# EOF\n")
	return out.String()
}
