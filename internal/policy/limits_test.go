package policy_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/testkit"
)

// loopRule never finishes in time on a cluster named "slow": numbers.range builds a hundred
// million numbers (OPA must check the deadline inside the builtin's loop), and the
// comprehension iterates them.
const loopRule = `	input.cluster.name == "slow"
	count([x | some x in numbers.range(1, 100000000)]) > 0`

// TestEvalTimeoutEndsALoopingRule: a rule that loops ends at the deadline with an error that
// names the rule, its file and line, the cluster and the flag; the other rules' findings stand,
// and on another cluster the same rules finish.
func TestEvalTimeoutEndsALoopingRule(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "loop.rego", testkit.HostileRule("LOOP-1", "loop", loopRule))
	writeFile(t, dir, "good.rego", testkit.HostileRule("GOOD-1", "good", "\ttrue"))
	const timeout = time.Second
	e, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}, EvalTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	for _, staged := range []bool{false, true} {
		t.Run(fmt.Sprintf("staged=%v", staged), func(t *testing.T) {
			slow := &facts.Cluster{Name: "slow", Version: mustParse(t, "v1.34.1"),
				Nodes: []facts.Node{{Name: "n", Ready: "True", KubeletVersion: mustParse(t, "v1.30.1")}}}
			start := time.Now()
			ev := e.Begin(context.Background())
			if staged {
				ev.Final(slow, facts.Paths()...)
			}
			fs, err := ev.Finish(slow)
			took := time.Since(start)
			if took > timeout+2*time.Second {
				t.Errorf("evaluation took %s with a %s deadline", took, timeout)
			}
			errs := policy.AsRuleErrors(err)
			want := fmt.Sprintf("rule LOOP-1 (%s:9) did not finish within 1s on cluster slow; raise --eval-timeout or fix the rule", path)
			if len(errs) != 1 || errs[0].Message != want || errs[0].Reason != policy.ReasonTimeout {
				t.Fatalf("error %v, want only %q", err, want)
			}
			got := map[string]int{}
			for _, f := range fs {
				got[f.RuleID]++
			}
			if got["GOOD-1"] != 1 || got["FA-UPG-001"] == 0 || got["LOOP-1"] != 0 {
				t.Errorf("findings by rule %v: want GOOD-1 and the embedded FA-UPG-001 beside the timed-out LOOP-1", got)
			}
		})
	}
	fs, err := e.Evaluate(context.Background(), &facts.Cluster{Name: "fast"})
	if err != nil {
		t.Fatalf("on another cluster: %v", err)
	}
	if len(fs) == 0 {
		t.Fatal("no findings on another cluster")
	}
}

// TestEvalTimeoutCancelledByCaller: a caller's cancellation (shutdown) also ends a looping rule,
// and says so instead of blaming the deadline.
func TestEvalTimeoutCancelledByCaller(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "loop.rego", testkit.HostileRule("LOOP-1", "loop", loopRule))
	e, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}, EvalTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = e.Evaluate(ctx, &facts.Cluster{Name: "slow"})
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("evaluation took %s after the caller gave up at 500ms", took)
	}
	errs := policy.AsRuleErrors(err)
	if len(errs) == 0 || errs[0].Reason != policy.ReasonCancelled || !strings.Contains(errs[0].Message, "rule LOOP-1") {
		t.Fatalf("error %v, want LOOP-1 cancelled", err)
	}
}

// TestMaxFindingsPerRule: a rule keeps at most the limit of findings per cluster, the most
// severe first, and one more finding of the same rule says how many were dropped.
func TestMaxFindingsPerRule(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "flood.rego", `# METADATA
# title: Flood
# custom:
#   id: FLOOD-1
#   severity: low
#   severities: [high]
#   category: compliance
package flood

deny contains {"msg": sprintf("finding %d", [i]), "resource": {"kind": "Node", "name": sprintf("n%05d", [i])}, "severity": sev} if {
	some i in numbers.range(1, 2500)
	sev := ["low", "high"][i % 2]
}
`)
	e, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}, MaxFindingsPerRule: 100})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), &facts.Cluster{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	var flood []policy.Finding
	for _, f := range fs {
		if f.RuleID == "FLOOD-1" {
			flood = append(flood, f)
		}
	}
	if len(flood) != 101 {
		t.Fatalf("%d FLOOD-1 findings, want 100 plus one summary", len(flood))
	}
	var summary *policy.Finding
	for i, f := range flood {
		if f.Resource.Kind == "Cluster" {
			summary = &flood[i]
		} else if f.Severity != policy.SeverityHigh {
			t.Errorf("kept a %s finding while high ones were dropped: %s", f.Severity, f.Message)
		}
	}
	want := "2400 more findings of rule FLOOD-1 on this cluster were dropped: a rule keeps at most 100 findings per cluster (--max-findings-per-rule)"
	if summary == nil || summary.Message != want || summary.Kind != "deny" || summary.Severity != policy.SeverityHigh ||
		summary.Resource.Name != "c" || summary.Details["dropped"] != 2400 {
		t.Fatalf("summary %+v, want a high deny about cluster c: %q", summary, want)
	}
}

func mustParse(t *testing.T, s string) *facts.Version {
	t.Helper()
	v, err := facts.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestGateFailsClosedOnTimeout: a rule that runs out of time may hide a blocking finding, so
// the gate denies, naming the rule and the deadline.
func TestGateFailsClosedOnTimeout(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "loop.rego", testkit.HostileRule("LOOP-1", "loop", loopRule))
	e, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}, EvalTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse("p.yaml", []byte("apiVersion: fleetaudit.io/v1alpha1\nkind: ClusterProfile\nmetadata: {name: std}\n"+
		"spec:\n  version: 1.0.0\n  kubernetesVersion: v1.35.0\n  selector: {clusters: [\"*\"]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: "slow", CollectedAt: now, Version: mustParse(t, "v1.34.2"),
		Nodes:      []facts.Node{{Name: "n1", Ready: "True", KubeletVersion: mustParse(t, "v1.34.2")}},
		Usage:      &facts.Usage{Source: "unavailable"},
		Upgrade:    &facts.Upgrade{},
		Collection: []facts.CollectorRun{{Collector: "cluster"}, {Collector: "usage"}, {Collector: "upgrade"}},
	}
	d := e.Gate(context.Background(), "slow", c, p, now)
	want := fmt.Sprintf("rule LOOP-1 (%s:9) did not finish within 1s on cluster slow; raise --eval-timeout or fix the rule (fail closed)", path)
	if d.Allowed || len(d.Reasons) != 1 || d.Reasons[0] != want {
		t.Fatalf("decision %v %q, want a denial %q", d.Allowed, d.Reasons, want)
	}
	c.Name = "fast"
	if d := e.Gate(context.Background(), "fast", c, p, now); !d.Allowed {
		t.Fatalf("another cluster denied: %q", d.Reasons)
	}
}

// TestEvalTimeoutRulesLeftWithoutTime: the rules of a group that the deadline leaves no time
// for are reported as not evaluated, in one line, after the rule that used up the time; the
// embedded rules of the group run first.
func TestEvalTimeoutRulesLeftWithoutTime(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "u1.rego", testkit.HostileRule("U-1", "u1", loopRule))
	writeFile(t, dir, "u2.rego", testkit.HostileRule("U-2", "u2", "\ttrue"))
	writeFile(t, dir, "u3.rego", testkit.HostileRule("U-3", "u3", "\ttrue"))
	e, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}, EvalTimeout: time.Second, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), &facts.Cluster{Name: "slow", Version: mustParse(t, "v1.34.1"),
		Nodes: []facts.Node{{Name: "n", Ready: "True", KubeletVersion: mustParse(t, "v1.30.1")}}})
	errs := policy.AsRuleErrors(err)
	want := []string{
		fmt.Sprintf("rule U-1 (%s:9) did not finish within 1s on cluster slow; raise --eval-timeout or fix the rule", path),
		"rules U-2, U-3 were not evaluated on cluster slow: --eval-timeout 1s ran out before they started",
	}
	if got := errs.Lines(); len(errs) != 3 || strings.Join(got, "\n") != strings.Join(want, "\n") ||
		errs[1].Reason != policy.ReasonNotEvaluated || !strings.HasSuffix(errs[1].Message, "ran out before it started") {
		t.Fatalf("errors %q\nwant %q", got, want)
	}
	if len(fs) == 0 {
		t.Error("the embedded rules gave no findings")
	}
}
