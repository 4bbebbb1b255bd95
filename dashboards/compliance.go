package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/piechart"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

func scoreGauge(title, framework string) *gauge.PanelBuilder {
	return gauge.NewPanelBuilder().Title(title).Datasource(ds).Span(6).Height(6).
		Unit(units.PercentUnit).Min(0).Max(1).ReduceOptions(lastValue()).
		Thresholds(thresholds(step("red", nil), step("orange", at(0.7)), step("green", at(0.9)))).
		WithTarget(query("A", `avg(fleetaudit_compliance_score_ratio{`+sel+`,framework="`+framework+`"})`, framework))
}

// Compliance covers RBAC risks and the CIS benchmark.
func Compliance() *dashboard.DashboardBuilder {
	return base("fleetaudit-compliance", "fleetaudit / Compliance (RBAC + CIS)", "RBAC risks by subject and CIS benchmark results across the fleet.").
		WithRow(dashboard.NewRowBuilder("Scores")).
		WithPanel(scoreGauge("RBAC compliance", "rbac")).
		WithPanel(scoreGauge("CIS compliance", "cis")).
		WithPanel(timeseries.NewPanelBuilder().Title("Compliance score over time").Datasource(ds).Span(12).Height(6).
			Unit(units.PercentUnit).Min(0).Max(1).
			WithTarget(query("A", `fleetaudit_compliance_score_ratio{`+sel+`}`, "{{cluster}} {{framework}}"))).
		WithRow(dashboard.NewRowBuilder("RBAC")).
		WithPanel(bargauge.NewPanelBuilder().Title("Risky subjects by risk").Datasource(ds).Span(12).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum by (risk) (fleetaudit_rbac_risky_subjects{`+sel+`})`, "{{risk}}"))).
		WithPanel(table.NewPanelBuilder().Title("Compliance violations by rule").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sum by (cluster, rule, severity) (fleetaudit_rule_violations{`+sel+`,category="compliance"})`))).
		WithRow(dashboard.NewRowBuilder("CIS benchmark")).
		WithPanel(piechart.NewPanelBuilder().Title("CIS checks by status").Datasource(ds).Span(8).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum by (status) (fleetaudit_cis_checks{`+sel+`})`, "{{status}}"))).
		WithPanel(timeseries.NewPanelBuilder().Title("Failed CIS checks per cluster").Datasource(ds).Span(16).
			WithTarget(query("A", `sum by (cluster, benchmark) (fleetaudit_cis_checks{`+sel+`,status="FAIL"})`, "{{cluster}} ({{benchmark}})")))
}
