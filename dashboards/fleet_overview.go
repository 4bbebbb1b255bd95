package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// FleetOverview is the landing dashboard: fleet size and health, findings, compliance, cost.
func FleetOverview() *dashboard.DashboardBuilder {
	return base("fleetaudit-overview", "fleetaudit / Fleet overview", "Every audited cluster at a glance.").
		WithRow(dashboard.NewRowBuilder("Fleet")).
		WithPanel(stat.NewPanelBuilder().Title("Clusters").Datasource(ds).Span(4).Height(4).ReduceOptions(lastValue()).
			WithTarget(query("A", `count(fleetaudit_cluster_info{`+sel+`})`, "clusters"))).
		WithPanel(stat.NewPanelBuilder().Title("Not fully audited").Datasource(ds).Span(4).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("green", nil), step("red", at(1)))).
			WithTarget(query("A", `count(fleetaudit_cluster_info{`+sel+`,status!="ok"}) or vector(0)`, "clusters"))).
		WithPanel(stat.NewPanelBuilder().Title("Critical findings").Datasource(ds).Span(4).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("green", nil), step("red", at(1)))).
			WithTarget(query("A", `sum(fleetaudit_findings{`+sel+`,severity="critical"}) or vector(0)`, "critical"))).
		WithPanel(stat.NewPanelBuilder().Title("Projected monthly cost").Datasource(ds).Span(4).Height(4).ReduceOptions(lastValue()).
			Unit("currencyUSD").
			WithTarget(query("A", `sum(fleetaudit_cost_usd_per_hour{`+sel+`}) * 730`, "USD/month"))).
		WithPanel(stat.NewPanelBuilder().Title("Upgrade-ready clusters").Datasource(ds).Span(4).Height(4).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum(fleetaudit_upgrade_ready{`+sel+`}) or vector(0)`, "ready"))).
		WithPanel(stat.NewPanelBuilder().Title("Oldest last audit (of every replica)").Datasource(ds).Span(4).Height(4).ReduceOptions(lastValue()).
			Unit(units.Seconds).Thresholds(thresholds(step("green", nil), step("orange", at(3600)))).
			WithTarget(query("A", `time() - min(fleetaudit_audit_last_run_timestamp_seconds)`, "age"))).
		WithRow(dashboard.NewRowBuilder("Findings and compliance")).
		WithPanel(timeseries.NewPanelBuilder().Title("Findings by severity").Datasource(ds).Span(12).
			WithTarget(query("A", `sum by (severity) (fleetaudit_findings{`+sel+`})`, "{{severity}}"))).
		WithPanel(bargauge.NewPanelBuilder().Title("Lowest compliance score per cluster").Datasource(ds).Span(12).
			Unit(units.PercentUnit).Min(0).Max(1).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("red", nil), step("orange", at(0.7)), step("green", at(0.9)))).
			WithTarget(query("A", `min by (cluster) (fleetaudit_compliance_score_ratio{`+sel+`})`, "{{cluster}}"))).
		WithPanel(bargauge.NewPanelBuilder().Title("Drift from the bound profile (findings per cluster)").Datasource(ds).Span(12).
			ReduceOptions(lastValue()).Thresholds(thresholds(step("green", nil), step("orange", at(1)))).
			WithTarget(query("A", `sum by (cluster) (fleetaudit_findings{`+sel+`,category="drift"})`, "{{cluster}}"))).
		WithPanel(table.NewPanelBuilder().Title("Profile per cluster: held to, runs (empty: drifted), update available").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `fleetaudit_profile_info{`+sel+`} * on (cluster, profile) group_left (newest) fleetaudit_profile_update_available{`+sel+`}`))).
		WithRow(dashboard.NewRowBuilder("Clusters")).
		WithPanel(table.NewPanelBuilder().Title("Cluster versions and audit status").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `fleetaudit_cluster_info{`+sel+`}`))).
		WithPanel(timeseries.NewPanelBuilder().Title("Collector health (1 = succeeded)").Datasource(ds).Span(12).Min(0).Max(1).
			WithTarget(query("A", `min by (cluster, collector) (fleetaudit_collector_up{`+sel+`})`, "{{cluster}} {{collector}}")))
}
