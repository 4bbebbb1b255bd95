package fleet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// TestRunRuleTimeoutMarksClusterPartial: a rule that loops on one cluster ends at
// --eval-timeout; that cluster is partial, like one whose collector failed, with the rule's
// error and the other rules' findings, and the rest of the fleet is audited as usual.
func TestRunRuleTimeoutMarksClusterPartial(t *testing.T) {
	dir := t.TempDir()
	rule := `# METADATA
# title: Loop
# custom:
#   id: LOOP-1
#   severity: high
#   category: compliance
package loop

deny contains {"msg": "m", "resource": {"kind": "Cluster"}} if {
	input.cluster.name == "slow"
	count([x | some x in numbers.range(1, 100000000)]) > 0
}
`
	if err := os.WriteFile(filepath.Join(dir, "loop.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	engine, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}, EvalTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	job := func(name string) Job {
		return Job{Name: name, Facts: func(context.Context, FinalFunc) *facts.Cluster {
			v, _ := facts.ParseVersion("v1.34.1")
			kv, _ := facts.ParseVersion("v1.30.1")
			return &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: name, Version: v,
				Nodes:      []facts.Node{{Name: "n", Ready: "True", KubeletVersion: kv}},
				Collection: []facts.CollectorRun{{Collector: facts.IdentityCollector}}}
		}}
	}
	start := time.Now()
	audit, err := Run(context.Background(), []Job{job("fast"), job("slow")}, engine, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("the run took %s with a 1s deadline", took)
	}
	fast, slow := audit.Clusters[0], audit.Clusters[1]
	if fast.Status != facts.StatusOK || len(fast.RuleErrors) != 0 || len(fast.Findings) == 0 {
		t.Errorf("fast: %s %q, %d findings", fast.Status, fast.Problem, len(fast.Findings))
	}
	if slow.Status != facts.StatusPartial || len(slow.RuleErrors) != 1 || slow.RuleErrors[0].Rule != "LOOP-1" ||
		!strings.Contains(slow.Problem, "rules: rule LOOP-1 (") || !strings.Contains(slow.Problem, "did not finish within 1s on cluster slow") {
		t.Errorf("slow: %s %q %+v", slow.Status, slow.Problem, slow.RuleErrors)
	}
	if len(slow.Findings) != len(fast.Findings) {
		t.Errorf("slow kept %d findings of the other rules, fast has %d", len(slow.Findings), len(fast.Findings))
	}
	if !audit.Incomplete() {
		t.Error("the audit is not incomplete")
	}
}
