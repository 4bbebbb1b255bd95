package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// day2Categories are the rule categories of Day-2 readiness.
const day2Categories = `category=~"certificates|backup|autoscaling|observability"`

// Day2Readiness shows what fails quietly on day 2: certificates that expire, backups that are
// old or cannot be written, autoscalers that cannot scale, and clusters nobody measures.
func Day2Readiness() *dashboard.DashboardBuilder {
	return base("fleetaudit-day2", "fleetaudit / Day-2 readiness", "Certificate expiry, backup and restore readiness, autoscaling and observability coverage across the fleet.").
		WithRow(dashboard.NewRowBuilder("Certificates")).
		WithPanel(stat.NewPanelBuilder().Title("Certificates expiring within 30 days").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("green", nil), step("red", at(1)))).
			WithTarget(query("A", `count((fleetaudit_certificate_expiry_timestamp_seconds{`+sel+`} - time()) < 30 * 86400) or vector(0)`, "expiring"))).
		WithPanel(stat.NewPanelBuilder().Title("Days until the next certificate expires").Datasource(ds).Span(6).Height(4).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("red", nil), step("orange", at(7)), step("green", at(30)))).
			WithTarget(query("A", `min((fleetaudit_certificate_expiry_timestamp_seconds{`+sel+`} - time()) / 86400)`, "days"))).
		WithPanel(table.NewPanelBuilder().Title("Next expiring certificates (days left)").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sort(min by (cluster, kind, namespace, name, field) ((fleetaudit_certificate_expiry_timestamp_seconds{`+sel+`} - time()) / 86400))`))).
		WithRow(dashboard.NewRowBuilder("Backup and restore")).
		WithPanel(table.NewPanelBuilder().Title("Hours since the last good backup, per schedule").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sort_desc((time() - max by (cluster, schedule) (fleetaudit_backup_last_success_timestamp_seconds{`+sel+`})) / 3600)`))).
		WithPanel(bargauge.NewPanelBuilder().Title("Available backup storage locations").Datasource(ds).Span(12).Height(6).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("red", nil), step("green", at(1)))).
			WithTarget(query("A", `fleetaudit_backup_locations_available{`+sel+`}`, "{{cluster}}"))).
		WithRow(dashboard.NewRowBuilder("Autoscaling and observability")).
		WithPanel(bargauge.NewPanelBuilder().Title("HPAs unable to scale").Datasource(ds).Span(12).Height(6).ReduceOptions(lastValue()).
			Thresholds(thresholds(step("green", nil), step("red", at(1)))).
			WithTarget(query("A", `fleetaudit_hpa_unable_to_scale{`+sel+`}`, "{{cluster}}"))).
		WithPanel(table.NewPanelBuilder().Title("Observability signals missing (0) or present (1)").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sort(fleetaudit_observability_coverage{`+sel+`})`))).
		WithRow(dashboard.NewRowBuilder("Findings")).
		WithPanel(table.NewPanelBuilder().Title("Day-2 findings by rule").Datasource(ds).Span(12).
			WithTarget(instantTable("A", `sort_desc(sum by (cluster, category, rule, severity) (fleetaudit_rule_violations{`+sel+`,`+day2Categories+`}))`))).
		WithPanel(timeseries.NewPanelBuilder().Title("Day-2 findings over time").Datasource(ds).Span(12).
			WithTarget(query("A", `sum by (category) (fleetaudit_rule_violations{`+sel+`,`+day2Categories+`})`, "{{category}}")))
}
