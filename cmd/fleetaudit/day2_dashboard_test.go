package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/fleetaudit/fleetaudit/dashboards"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testprom"
)

// TestDay2DashboardOnDemoFleet: a real Prometheus scrapes `serve --demo`; every panel of the
// Day-2 readiness dashboard then returns data for the demo fleet (its expiring webhook CA,
// its stale Velero schedule, its broken HPA, its cluster without a log agent).
func TestDay2DashboardOnDemoFleet(t *testing.T) {
	testprom.Require(t)
	serveAddr := freeAddr(t)
	prom := testprom.Start(t, fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: fleetaudit\n    static_configs:\n      - targets: [%q]\n", serveAddr), "")
	stderr := runServe(t, "--demo", "--listen", serveAddr, "--interval", "1m")
	query := promQuery(t, prom.URL)
	deadline := time.Now().Add(60 * time.Second)
	for {
		v, err := query(`fleetaudit_backup_locations_available and on(cluster) fleetaudit_hpa_unable_to_scale`)
		if err == nil && v.(model.Vector).Len() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus never scraped the demo audit (last err %v)\nserve stderr:\n%s", err, stderr.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a few more scrapes, for panels over ranges
	qs, err := dashboards.Queries()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, q := range qs {
		if q.Dashboard != "day2-readiness.json" {
			continue
		}
		n++
		expr := strings.NewReplacer("$cluster", ".*", "$profile", ".*").Replace(q.Expr)
		v, err := query(expr)
		if err != nil {
			t.Errorf("%s: %v\n%s", q.Panel, err, expr)
			continue
		}
		if seriesCount(v) == 0 {
			t.Errorf("%s: no series for %s", q.Panel, expr)
		}
	}
	if n < 9 {
		t.Errorf("checked %d Day-2 panel queries, want every one (9)", n)
	}
	// The demo's broken HPA and stale schedule show as such, not only as series.
	for expr, want := range map[string]string{
		`sum(fleetaudit_hpa_unable_to_scale) > 0`:                                            "an HPA unable to scale",
		`count((time() - fleetaudit_backup_last_success_timestamp_seconds) > 7 * 86400) > 0`: "a schedule whose last good backup is over a week old",
		`count((fleetaudit_certificate_expiry_timestamp_seconds - time()) < 30 * 86400) > 0`: "a certificate expiring within 30 days",
		`count(fleetaudit_observability_coverage == 0) > 0`:                                  "a missing observability signal",
	} {
		if v, err := query(expr); err != nil || seriesCount(v) == 0 {
			t.Errorf("the demo fleet should show %s (%s): %v", want, expr, err)
		}
	}
}
