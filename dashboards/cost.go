package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/piechart"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// CostCapacity covers the spot/on-demand/reserved mix, cost by cluster and namespace, idle
// cost, resource use and quotas.
func CostCapacity() *dashboard.DashboardBuilder {
	return base("fleetaudit-cost", "fleetaudit / Cost & capacity", "Capacity mix, cost allocation (OpenCost-compatible), idle cost and quotas.").
		WithRow(dashboard.NewRowBuilder("Cost")).
		WithPanel(stat.NewPanelBuilder().Title("Hourly cost").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).Unit("currencyUSD").
			WithTarget(query("A", `sum(fleetaudit_cost_usd_per_hour{`+sel+`})`, "USD/h"))).
		WithPanel(stat.NewPanelBuilder().Title("Idle share of node cost").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			Unit(units.PercentUnit).Thresholds(thresholds(step("green", nil), step("orange", at(0.5)))).
			WithTarget(query("A", `sum(fleetaudit_idle_cost_usd_per_hour{`+sel+`}) / sum(fleetaudit_cost_usd_per_hour{`+sel+`})`, "idle"))).
		WithPanel(stat.NewPanelBuilder().Title("Unpriced nodes").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum(fleetaudit_unpriced_nodes{`+sel+`})`, "nodes"))).
		WithPanel(stat.NewPanelBuilder().Title("Projected monthly cost").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).Unit("currencyUSD").
			WithTarget(query("A", `sum(fleetaudit_cost_usd_per_hour{`+sel+`}) * 730`, "USD/month"))).
		WithPanel(bargauge.NewPanelBuilder().Title("Monthly cost by cluster").Datasource(ds).Span(12).ReduceOptions(lastValue()).Unit("currencyUSD").
			WithTarget(query("A", `sum by (cluster) (fleetaudit_cost_usd_per_hour{`+sel+`}) * 730`, "{{cluster}}"))).
		WithPanel(table.NewPanelBuilder().Title("Hourly cost by namespace (top 20)").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `topk(20, fleetaudit_namespace_cost_usd_per_hour{`+sel+`,namespace!="other"})`))).
		WithRow(dashboard.NewRowBuilder("Capacity mix")).
		WithPanel(piechart.NewPanelBuilder().Title("Nodes by capacity type").Datasource(ds).Span(8).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum by (capacity_type) (fleetaudit_nodes{`+sel+`})`, "{{capacity_type}}"))).
		WithPanel(piechart.NewPanelBuilder().Title("Cost by capacity type").Datasource(ds).Span(8).ReduceOptions(lastValue()).Unit("currencyUSD").
			WithTarget(query("A", `sum by (capacity_type) (fleetaudit_cost_usd_per_hour{`+sel+`})`, "{{capacity_type}}"))).
		WithPanel(table.NewPanelBuilder().Title("Nodes by instance type").Datasource(ds).Span(8).
			WithTarget(instantTable("A", `sum by (cluster, capacity_type, instance_type) (fleetaudit_nodes{`+sel+`})`))).
		WithRow(dashboard.NewRowBuilder("Resources and quotas")).
		WithPanel(timeseries.NewPanelBuilder().Title("CPU requests / allocatable").Datasource(ds).Span(8).Unit(units.PercentUnit).
			WithTarget(query("A", `sum by (cluster) (fleetaudit_resource_requests{`+sel+`,resource="cpu"}) / sum by (cluster) (fleetaudit_resource_allocatable{`+sel+`,resource="cpu"})`, "{{cluster}}"))).
		WithPanel(timeseries.NewPanelBuilder().Title("CPU usage / requests").Datasource(ds).Span(8).Unit(units.PercentUnit).
			WithTarget(query("A", `sum by (cluster) (fleetaudit_resource_usage{`+sel+`,resource="cpu"}) / sum by (cluster) (fleetaudit_resource_requests{`+sel+`,resource="cpu"})`, "{{cluster}}"))).
		WithPanel(bargauge.NewPanelBuilder().Title("Fullest quotas").Datasource(ds).Span(8).ReduceOptions(lastValue()).
			Unit(units.PercentUnit).Min(0).Max(1).Thresholds(thresholds(step("green", nil), step("orange", at(0.8)), step("red", at(0.9)))).
			WithTarget(query("A", `topk(10, fleetaudit_quota_utilization_ratio{`+sel+`})`, "{{cluster}} {{namespace}}/{{quota}} {{resource}}")))
}
