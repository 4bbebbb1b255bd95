package fleet

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
)

func demoRun(t *testing.T, engine *policy.Engine, o Options) *Audit {
	t.Helper()
	snap, err := OpenSnapshot("../demo/fleet", SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Run(context.Background(), snap.Jobs(), engine, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ruleIDs(e *policy.Engine) []string {
	var ids []string
	for _, r := range e.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

func clusterOf(a *Audit, name string) Result {
	for _, r := range a.Clusters {
		if r.Cluster == name {
			return r
		}
	}
	return Result{}
}

// TestRunAppliesWaivers: waived findings stay, marked; they leave the scores and the worst
// severity (what --fail-on judges); an expired waiver is a finding; one that matches nothing
// is stale, and each is a warning in the log.
func TestRunAppliesWaivers(t *testing.T) {
	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	set, err := waiver.Parse("w.yaml", []byte(`apiVersion: fleetaudit.io/v1alpha1
kind: WaiverList
waivers:
  - rule: FA-RBAC-016
    clusters: prod-us-central
    resource: Group/system:authenticated
    owner: platform@example.com
    reason: read-only pod listing for the status page
    expires: 2026-12-10
  - rule: FA-RBAC-001
    clusters: "prod-*"
    resource: User/ops-admin@example.com
    owner: sec@example.com
    reason: break-glass admin
    expires: 2027-06-30
  - rule: FA-RBAC-003
    clusters: "prod-*"
    namespace: platform
    resource: ServiceAccount/external-secrets
    owner: platform@example.com
    reason: syncs secrets by design
    expires: 2027-06-30
  - rule: FA-QUO-002
    clusters: staging-eastus
    namespace: ci
    owner: ci@example.com
    reason: runners are sized per job
    expires: 2026-11-30
  - rule: FA-RBAC-001
    clusters: "staging-*"
    owner: sec@example.com
    reason: nobody there
    expires: 2027-06-30
  - {rule: FA-WL-002, clusters: "*", owner: sec@example.com, reason: debug pod and CI runner, expires: 2027-06-30}
  - {rule: FA-WL-011, clusters: staging-eastus, owner: sec@example.com, reason: windows node metrics, expires: 2027-06-30}
`), ruleIDs(engine))
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	plain := demoRun(t, engine, Options{Now: clock})
	var logs bytes.Buffer
	waived := demoRun(t, engine, Options{Now: clock, Waivers: set, Log: slog.New(slog.NewTextHandler(&logs, nil))})

	if plain.WorstSeverity() != policy.SeverityCritical || waived.WorstSeverity() != policy.SeverityHigh {
		t.Errorf("worst severity %s without waivers, %s with the critical findings waived (want high)", plain.WorstSeverity(), waived.WorstSeverity())
	}
	us := clusterOf(waived, "prod-us-central")
	before, after := clusterOf(plain, "prod-us-central").Scores["rbac"], us.Scores["rbac"]
	if after.Passed != before.Passed+1 || after.Evaluated != before.Evaluated {
		t.Errorf("rbac score %d/%d with FA-RBAC-016 waived, want one more passed than %d/%d", after.Passed, after.Evaluated, before.Passed, before.Evaluated)
	}
	n := 0
	for _, r := range waived.Clusters {
		for _, f := range r.Findings {
			if f.Waived() {
				n++
				if f.Severity != policy.SeverityCritical {
					t.Errorf("waived %s %s", f.RuleID, f.Resource)
				}
			}
		}
	}
	if n != 6 || len(us.Findings) != len(clusterOf(plain, "prod-us-central").Findings) {
		t.Errorf("%d findings waived (want the 6 critical ones), and waived findings must stay in the results", n)
	}
	for _, f := range us.Findings {
		if f.RuleID == "FA-RBAC-016" && (f.Waiver == nil || !f.Waiver.ExpiringSoon || f.Waiver.Source != "w.yaml:4") {
			t.Errorf("FA-RBAC-016 expires in 9 days: %+v", f.Waiver)
		}
	}
	var expired []policy.Finding
	for _, f := range clusterOf(waived, "staging-eastus").Findings {
		if f.RuleID == waiver.ExpiredRuleID {
			expired = append(expired, f)
		}
		if f.RuleID == "FA-QUO-002" && f.Waived() {
			t.Errorf("an expired waiver waived %s", f.Resource)
		}
	}
	// Two FA-QUO-002 findings on Namespace/ci: one finding for the expired waiver.
	if len(expired) != 1 || expired[0].Resource.String() != "Namespace/ci" || !strings.Contains(expired[0].Message, "expired on 2026-11-30") {
		t.Errorf("expired-waiver findings %+v", expired)
	}
	s := waived.Waivers
	if s == nil || s.Waived != 6 || len(s.Stale) != 1 || s.Stale[0].Source != "w.yaml:29" || len(s.Expired) != 1 || s.Expired[0].Matched != 2 ||
		len(s.ExpiringSoon) != 1 || s.ExpiringSoon[0].Rule != "FA-RBAC-016" {
		t.Errorf("summary %+v", s)
	}
	for _, want := range []string{"stale waiver", "waiver=w.yaml:29", "expired waiver", "waiver=w.yaml:23"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if plain.Waivers != nil {
		t.Error("a run without waivers has no waiver summary")
	}
}

// TestGateWaiversCannotAllowWhatNonWaivableChecksDeny: every rule waived on every cluster
// clears the gate's blocking findings, yet every move a non-waivable check denies stays
// denied, for that check alone.
func TestGateWaiversCannotAllowWhatNonWaivableChecksDeny(t *testing.T) {
	ctx := context.Background()
	engine, err := policy.New(ctx, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc strings.Builder
	doc.WriteString("apiVersion: fleetaudit.io/v1alpha1\nkind: WaiverList\nwaivers:\n")
	for _, id := range ruleIDs(engine) {
		fmt.Fprintf(&doc, "  - {rule: %s, clusters: \"*\", owner: o, reason: everything, expires: 2099-12-31}\n", id)
	}
	set, err := waiver.Parse("all.yaml", []byte(doc.String()), ruleIDs(engine))
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Load("../../examples/profiles/platform-1.35.yaml")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := OpenSnapshot("../demo/fleet", SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	decisions := map[string][2]policy.Decision{}
	Each(ctx, snap.Jobs(), Options{}, func(_ int, c *facts.Cluster) {
		now := c.CollectedAt.Add(time.Minute) // fresh facts: the rules judge
		plain := Gate(ctx, engine, Options{}, c.Name, c, p, now)
		all := Gate(ctx, engine, Options{Waivers: set}, c.Name, c, p, now)
		mu.Lock()
		decisions[c.Name] = [2]policy.Decision{plain, all}
		mu.Unlock()
	})
	if len(decisions) != 3 {
		t.Fatalf("%d decisions", len(decisions))
	}
	for name, d := range decisions {
		plain, all := d[0], d[1]
		if len(plain.Blocking) == 0 || len(plain.Safety) == 0 {
			t.Errorf("%s: the demo move should have blocking findings and a non-waivable violation: %v", name, plain.Reasons)
		}
		if all.Allowed || len(all.Blocking) != 0 || len(all.Waived) == 0 || len(all.Safety) != len(plain.Safety) {
			t.Errorf("%s with every rule waived: allowed %v, %d blocking, %d waived, %d non-waivable (want %d)", name, all.Allowed, len(all.Blocking), len(all.Waived), len(all.Safety), len(plain.Safety))
		}
		for _, r := range all.Reasons {
			if !strings.HasPrefix(r, "non-waivable ") {
				t.Errorf("%s: with every rule waived only non-waivable checks may deny, got %q", name, r)
			}
		}
	}
}
