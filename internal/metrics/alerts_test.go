package metrics

import (
	"os"
	"os/exec"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/testkit/testprom"
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
