package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
)

const profileSel = `profile=~"$profile"`

// UpgradeReadiness shows the gate's decisions per profile and cluster, with their blockers.
func UpgradeReadiness() *dashboard.DashboardBuilder {
	return base("fleetaudit-upgrade", "fleetaudit / Upgrade readiness", "Gate decisions per cluster profile and cluster, with the rules that block.").
		WithVariable(labelVariable("profile", "Profile", `label_values(fleetaudit_upgrade_ready, profile)`)).
		WithRow(dashboard.NewRowBuilder("Readiness")).
		WithPanel(stat.NewPanelBuilder().Title("Ready").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("green", nil))).
			WithTarget(query("A", `sum(fleetaudit_upgrade_ready{`+sel+`,`+profileSel+`})`, "ready"))).
		WithPanel(stat.NewPanelBuilder().Title("Blocked").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("green", nil), step("red", at(1)))).
			WithTarget(query("A", `count(fleetaudit_upgrade_ready{`+sel+`,`+profileSel+`} == 0) or vector(0)`, "blocked"))).
		WithPanel(table.NewPanelBuilder().Title("Decision per cluster (1 = ready)").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `fleetaudit_upgrade_ready{`+sel+`,`+profileSel+`}`))).
		WithRow(dashboard.NewRowBuilder("Blockers")).
		WithPanel(bargauge.NewPanelBuilder().Title("Blockers by rule").Datasource(ds).Span(8).ReduceOptions(lastValue()).
			WithTarget(query("A", `sum by (rule) (fleetaudit_upgrade_blockers{`+sel+`,`+profileSel+`})`, "{{rule}}"))).
		WithPanel(table.NewPanelBuilder().Title("Blockers per cluster").Datasource(ds).Span(16).
			WithTarget(instantTable("A", `sum by (cluster, profile, rule) (fleetaudit_upgrade_blockers{`+sel+`,`+profileSel+`})`))).
		WithPanel(table.NewPanelBuilder().Title("Upgrade findings of the last audit").Datasource(ds).Span(24).
			WithTarget(instantTable("A", `sum by (cluster, rule, severity) (fleetaudit_rule_violations{`+sel+`,category="upgrade"})`)))
}
