package metrics

import (
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/testprom"
)

const alertsDir = "../../deploy/prometheus"

// TestAlertRules runs promtool's rule check and the rule unit tests of deploy/prometheus.
func TestAlertRules(t *testing.T) {
	_, promtool := testprom.Require(t)
	for _, args := range [][]string{{"check", "rules", "alerts.yaml"}, {"test", "rules", "alerts_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = alertsDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}

var metricNameRE = regexp.MustCompile(`\bfleetaudit_[a-z0-9_]+`)

// MetricNames returns the fleetaudit metric names a text (PromQL, rules) uses.
func MetricNames(s string) []string { return metricNameRE.FindAllString(s, -1) }

// TestAlertsUseEmittedMetrics: every metric an alert reads is one the code emits.
func TestAlertsUseEmittedMetrics(t *testing.T) {
	b, err := os.ReadFile(alertsDir + "/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range Families {
		known[f.name] = true
	}
	names := MetricNames(string(b))
	if len(names) < 6 {
		t.Fatalf("found only %v in the alerts", names)
	}
	for _, n := range names {
		if !known[n] {
			t.Errorf("alert uses %s, which fleetaudit does not emit", n)
		}
	}
}
