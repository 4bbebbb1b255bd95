package collectors

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// PrometheusUsage reads per-pod CPU (cores, averaged rate) and working-set memory (averaged)
// over window from a Prometheus that scrapes the kubelets' cAdvisor metrics. With
// clusterLabel set, only series with clusterLabel="cluster" count. Keys are "NS/POD".
func PrometheusUsage(ctx context.Context, url, clusterLabel, cluster string, window time.Duration) (map[string]facts.Resources, error) {
	client, err := api.NewClient(api.Config{Address: url})
	if err != nil {
		return nil, fmt.Errorf("prometheus client for %s: %w", url, err)
	}
	q := promv1.NewAPI(client)
	sel := `container!="",container!="POD"`
	if clusterLabel != "" {
		sel += fmt.Sprintf(",%s=%q", clusterLabel, cluster)
	}
	w := model.Duration(window).String()
	queries := map[string]string{
		"cpu": fmt.Sprintf(`sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{%s}[%s]))`, sel, w),
		"mem": fmt.Sprintf(`sum by (namespace, pod) (avg_over_time(container_memory_working_set_bytes{%s}[%s]))`, sel, w),
	}
	out := map[string]facts.Resources{}
	now := time.Now()
	for _, kind := range []string{"cpu", "mem"} {
		val, _, _, err := q.Query(ctx, queries[kind], now)
		if err != nil {
			return nil, fmt.Errorf("query prometheus %s: %w", url, err)
		}
		vec, ok := val.(model.Vector)
		if !ok {
			return nil, fmt.Errorf("query prometheus %s: want a vector, got %s", url, val.Type())
		}
		for _, s := range vec {
			key := string(s.Metric["namespace"]) + "/" + string(s.Metric["pod"])
			r := out[key]
			if kind == "cpu" {
				r.CPUMillis = int64(float64(s.Value)*1000 + 0.5)
			} else {
				r.MemoryBytes = int64(float64(s.Value) + 0.5)
			}
			out[key] = r
		}
	}
	return out, nil
}
