package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// All lists every dashboard by file name, in one table.
func All() map[string]func() *dashboard.DashboardBuilder {
	return map[string]func() *dashboard.DashboardBuilder{
		"fleet-overview.json":    FleetOverview,
		"compliance.json":        Compliance,
		"cost-capacity.json":     CostCapacity,
		"upgrade-readiness.json": UpgradeReadiness,
		"workload-posture.json":  WorkloadPosture,
		"day2-readiness.json":    Day2Readiness,
	}
}

// Render builds one dashboard into indented JSON.
func Render(build func() *dashboard.DashboardBuilder) ([]byte, error) {
	d, err := build().Build()
	if err != nil {
		return nil, err
	}
	// Give every panel and row a unique id (the builders leave them unset or 0), so links to
	// single panels and panel state are stable.
	for i := range d.Panels {
		id := uint32(i + 1)
		if p := d.Panels[i].Panel; p != nil {
			p.Id = &id
		}
		if r := d.Panels[i].RowPanel; r != nil {
			r.Id = id
		}
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Write renders every dashboard into dir.
func Write(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var written []string
	for name, build := range All() {
		b, err := Render(build)
		if err != nil {
			return nil, fmt.Errorf("build dashboard %s: %w", name, err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		written = append(written, p)
	}
	return written, nil
}
