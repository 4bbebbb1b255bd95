package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/reports"
)

// TestCISFileSource ingests real kube-bench --json output (the pinned CLI run against a test
// API server) for one cluster and a truncated file for another: the first gets CIS findings
// with the CIS id and remediation and a CIS score; the second is reported with an error that
// names the file, and the rest of the audit goes on.
func TestCISFileSource(t *testing.T) {
	bins := testcluster.RequireBinaries(t)
	if _, err := os.Stat(bins.KubeBench); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("kube-bench CLI missing under CI: %v", err)
		}
		t.Skip("kube-bench CLI not built")
	}
	f := testcluster.Start(t, "alpha", "beta")
	cfgDir, err := collectors.FindCISConfigDir("")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bins.KubeBench, "run", "--targets", "master", "--benchmark", "cis-1.12", "--json",
		"--config-dir", cfgDir, "--config", filepath.Join(cfgDir, "config.yaml")).Output()
	dir := t.TempDir()
	good, broken := filepath.Join(dir, "alpha.json"), filepath.Join(dir, "beta.json")
	write(t, good, string(out))
	write(t, broken, string(out[:len(out)/2]))
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "audit", "--kubeconfig", kc, "-o", "json", "--cis", "alpha=file:"+good, "--cis", "beta=file:"+broken)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d (%s)", code, exitIncomplete, stderr)
	}
	a := decodeAudit(t, stdout)
	var alpha, beta reports.ClusterReport
	for _, r := range a.Clusters {
		switch r.Name {
		case "alpha":
			alpha = r
		case "beta":
			beta = r
		}
	}
	if alpha.Status != "ok" {
		t.Fatalf("alpha: %s %s", alpha.Status, alpha.Problem)
	}
	var tokenAuth bool
	for _, fd := range alpha.Findings {
		if fd.RuleID == "FA-CIS-001" && fd.ControlOf("CIS") == "1.2.2" {
			tokenAuth = true
			if !strings.Contains(fd.Remediation, "token-auth-file") || fd.Severity != "high" {
				t.Errorf("1.2.2 finding: %+v", fd)
			}
		}
	}
	if !tokenAuth {
		t.Errorf("alpha: no FA-CIS-001 finding for 1.2.2 (--token-auth-file): %+v", alpha.Findings)
	}
	if s, ok := alpha.Scores["cis"]; !ok || s.Evaluated == 0 || s.Passed >= s.Evaluated {
		t.Errorf("alpha CIS score: %+v", alpha.Scores)
	}
	if s, ok := alpha.Scores["rbac"]; !ok || s.Evaluated < 15 || s.Passed != s.Evaluated {
		t.Errorf("alpha RBAC score on a fresh cluster should be full: %+v", alpha.Scores)
	}
	if beta.Status != "partial" || !strings.Contains(beta.Problem, broken) || !strings.Contains(beta.Problem, "truncated") {
		t.Errorf("beta: want partial with the file and 'truncated' named, got %s: %s", beta.Status, beta.Problem)
	}
}
