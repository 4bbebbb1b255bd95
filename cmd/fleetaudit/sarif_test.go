package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSarifOutput: audit -o sarif prints one SARIF 2.1.0 run with a result per finding, and
// report --format sarif writes report.sarif (the format's content: reports/sarif_test.go).
func TestSarifOutput(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--demo", "-o", "sarif")
	if code != exitOK {
		t.Fatalf("exit %d %s", code, errOut)
	}
	var log struct {
		Version string
		Runs    []struct{ Results []struct{ RuleID string } }
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	_, js, _ := runCLI(t, "audit", "--demo", "-o", "json")
	n := 0
	for _, c := range decodeAudit(t, js).Clusters {
		n += len(c.Findings)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != n || n == 0 {
		t.Errorf("SARIF %s with %d results for %d findings", log.Version, len(log.Runs[0].Results), n)
	}
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "report", "--demo", "--output-dir", dir, "--format", "sarif"); code != exitOK {
		t.Fatalf("report --format sarif: exit %d %s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "report.sarif"))
	if len(files) != 1 {
		t.Fatalf("report.sarif: %v", files)
	}
	if b, err := os.ReadFile(files[0]); err != nil || !json.Valid(b) {
		t.Errorf("report.sarif is not JSON: %v", err)
	}
}
