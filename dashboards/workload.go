package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/piechart"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// WorkloadPosture shows what runs in the clusters against the Pod Security Standards and the
// workload rules, open and waived, and which controls fail.
func WorkloadPosture() *dashboard.DashboardBuilder {
	return base("fleetaudit-workload", "fleetaudit / Workload posture", "Pod Security Standards violations by cluster and namespace, open and waived, workload findings by rule, and failing controls.").
		WithRow(dashboard.NewRowBuilder("Pod Security Standards")).
		WithPanel(stat.NewPanelBuilder().Title("Open PSS violations").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("green", nil), step("red", at(1)))).
			WithTarget(query("A", `sum(fleetaudit_pss_violations{`+sel+`,state="open"}) or vector(0)`, "open"))).
		WithPanel(stat.NewPanelBuilder().Title("Waived PSS violations (accepted risk)").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("blue", nil))).
			WithTarget(query("A", `sum(fleetaudit_pss_violations{`+sel+`,state="waived"}) or vector(0)`, "waived"))).
		WithPanel(piechart.NewPanelBuilder().Title("Open vs waived").Datasource(ds).Span(6).Height(8).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum by (state) (fleetaudit_pss_violations{`+sel+`})`, "{{state}}"))).
		WithPanel(bargauge.NewPanelBuilder().Title("Open violations by cluster and level").Datasource(ds).Span(6).Height(8).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum by (cluster, level) (fleetaudit_pss_violations{`+sel+`,state="open"})`, "{{cluster}} {{level}}"))).
		WithPanel(table.NewPanelBuilder().Title("Open violations by namespace").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sort_desc(sum by (cluster, namespace, level) (fleetaudit_pss_violations{`+sel+`,state="open"}))`))).
		WithPanel(timeseries.NewPanelBuilder().Title("Open PSS violations over time").Datasource(ds).Span(12).
			WithTarget(query("A", `sum by (cluster) (fleetaudit_pss_violations{`+sel+`,state="open"})`, "{{cluster}}"))).
		WithRow(dashboard.NewRowBuilder("Workload rules and controls")).
		WithPanel(table.NewPanelBuilder().Title("Workload findings by rule").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sum by (cluster, rule, severity) (fleetaudit_rule_violations{`+sel+`,category="workload"})`))).
		WithPanel(table.NewPanelBuilder().Title("Clusters failing each control").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sort_desc(sum by (framework, control) (fleetaudit_control_failed{`+sel+`}))`)))
}
