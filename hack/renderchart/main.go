// Command renderchart copies the alert rules and dashboards into the Helm chart and renders
// the chart's default manifests into deploy/manifests/fleetaudit.yaml (make generate).
package main

import (
	"fmt"
	"os"

	"github.com/fleetaudit/fleetaudit/internal/chart"
)

func main() {
	if err := chart.Sync("."); err != nil {
		fmt.Fprintln(os.Stderr, "renderchart:", err)
		os.Exit(1)
	}
	out, err := chart.Render("deploy/helm/fleetaudit", "fleetaudit", "fleetaudit", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "renderchart:", err)
		os.Exit(1)
	}
	header := "# Rendered from deploy/helm/fleetaudit with default values (release fleetaudit, namespace\n# fleetaudit) by `make generate`; a test fails when it drifts from the chart. Rendered as\n# `helm template` does, for a cluster without the Prometheus Operator: no ServiceMonitor or\n# PrometheusRule (deploy/prometheus/alerts.yaml has the alert rules).\n"
	if err := os.WriteFile("deploy/manifests/fleetaudit.yaml", append([]byte(header), out...), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "renderchart:", err)
		os.Exit(1)
	}
	fmt.Println("wrote deploy/manifests/fleetaudit.yaml")
}
