// Package dashboards defines fleetaudit's Grafana dashboards as Go code with the Grafana
// Foundation SDK: one file per dashboard, shared builders here. `fleetaudit dashboards -o DIR`
// writes their JSON; the JSON under dashboards/json is generated from this code and a test
// fails when it drifts.
package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// Tag marks every fleetaudit dashboard; the dashboards link to each other through it.
const Tag = "fleetaudit"

var ds = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${datasource}")}

// base starts a dashboard with the shared settings: datasource and cluster variables, links
// to the other fleetaudit dashboards, refresh and time range.
func base(uid, title, description string) *dashboard.DashboardBuilder {
	return dashboard.NewDashboardBuilder(title).
		Uid(uid).Description(description).Tags([]string{Tag}).
		Refresh("5m").Time("now-7d", "now").Timezone(common.TimeZoneBrowser).
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").Label("Data source").Type("prometheus")).
		WithVariable(labelVariable("cluster", "Cluster", `label_values(fleetaudit_cluster_info, cluster)`)).
		Link(dashboard.NewDashboardLinkBuilder("fleetaudit dashboards").Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{Tag}).AsDropdown(true).IncludeVars(true).KeepTime(true))
}

func labelVariable(name, label, query string) *dashboard.QueryVariableBuilder {
	return dashboard.NewQueryVariableBuilder(name).Label(label).Datasource(ds).
		Query(dashboard.StringOrMap{String: cog.ToPtr(query)}).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).Multi(true).IncludeAll(true).AllValue(".*")
}

// query is a Prometheus target; refID must be unique within its panel.
func query(refID, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().RefId(refID).Expr(expr).LegendFormat(legend)
}

// instantTable is a table query evaluated once at the end of the range.
func instantTable(refID, expr string) *prometheus.DataqueryBuilder {
	return query(refID, expr, "").Format(prometheus.PromQueryFormatTable).Instant()
}

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"})
}

func thresholds(steps ...dashboard.Threshold) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps)
}

func step(color string, from *float64) dashboard.Threshold {
	return dashboard.Threshold{Color: color, Value: from}
}

func at(v float64) *float64 { return &v }

// sel is the cluster selector every query carries.
const sel = `cluster=~"$cluster"`
