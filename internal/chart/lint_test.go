package chart

import (
	"strings"
	"testing"
)

// TestHelmLintStrict: Helm's own linter in strict mode (helm lint --strict) passes the chart
// with each realistic value set, and fails a misspelt value through values.schema.json.
func TestHelmLintStrict(t *testing.T) {
	for name, values := range valueSets() {
		if err := Lint(chartDir, "fleetaudit", values); err != nil {
			t.Errorf("value set %s: %v", name, err)
		}
	}
	err := Lint(chartDir, "fleetaudit", map[string]any{"serve": map[string]any{"replcas": 2}})
	if err == nil || !strings.Contains(err.Error(), "replcas") {
		t.Errorf("helm lint --strict must reject the misspelt serve.replcas: %v", err)
	}
}
