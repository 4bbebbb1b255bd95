package policy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// GateRequiredCollectors must have succeeded for a gate decision: without them the facts an
// upgrade depends on are missing, and the gate fails closed.
var GateRequiredCollectors = []string{facts.IdentityCollector, "usage", "upgrade"}

// Decision is the gate's answer for one cluster and one profile.
type Decision struct {
	Cluster string `json:"cluster"`
	Profile string `json:"profile"`
	Target  string `json:"targetVersion"`
	Allowed bool   `json:"allowed"`
	// Reasons explain a denial, one line each: the non-waivable checks that fail first (in
	// SafetyChecks order), then the blocking findings, sorted; empty when allowed.
	Reasons []string `json:"reasons"`
	// Safety are the non-waivable checks that fail: no profile, blocking severity or
	// override makes such a move allowed.
	Safety []SafetyViolation `json:"safety,omitempty"`
	// Warnings are the risks of the move that do not block it (findings of the gate's rules
	// below the blocking severity, and warnings), sorted; an allowed move still reports them.
	Warnings []string `json:"warnings"`
	// Blocking are the deny findings that block.
	Blocking []Finding `json:"blocking,omitempty"`
	// Waived are the findings of the gate's rules that accepted risks waive: they would
	// have blocked (or warned) and do not; each is also a warning.
	Waived      []Finding `json:"waived,omitempty"`
	CollectedAt time.Time `json:"collectedAt,omitzero"`
	// Overrides are the operator's per-cluster requirement overrides that applied, each with
	// its reason (from the bindings).
	Overrides []string `json:"overrides,omitempty"`
	// Explain lists every rule evaluated and its outcome (with --explain).
	Explain []RuleOutcome `json:"explain,omitempty"`
}

// RuleOutcome is one rule's result in a gate evaluation.
type RuleOutcome struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Category Category `json:"category"`
	// Result is pass, deny or warn.
	Result   string `json:"result"`
	Findings int    `json:"findings"`
	// Waived counts the findings an accepted risk waives (they neither block nor warn).
	Waived int `json:"waived,omitempty"`
	// Blocking tells whether this rule's deny findings block under the profile.
	Blocking bool `json:"blocking"`
}

// GateReport is the gate's answer for one profile over a set of clusters: what `fleetaudit
// gate -o json`, POST /v1/gate and the reports show. A GateRun builds it.
type GateReport struct {
	Profile string `json:"profile"`
	Target  string `json:"targetVersion"`
	// Allowed is true when at least one cluster was decided and every decision allows.
	Allowed   bool       `json:"allowed"`
	Decisions []Decision `json:"decisions"`
	// NotTargeted are the clusters the profile's selector leaves out.
	NotTargeted []string `json:"notTargeted"`
}

// GateRun gathers a GateReport: start it with NewGateRun, Add each targeted cluster's
// decision (from any goroutine), then Finish.
type GateRun struct {
	mu      sync.Mutex
	report  GateReport
	explain bool
}

// NewGateRun starts a report for p over clusters and returns the clusters the profile
// targets, which are the ones to decide. explain keeps each decision's rule outcomes.
func NewGateRun(p *profile.Profile, clusters []string, explain bool) (*GateRun, []string) {
	g := &GateRun{explain: explain, report: GateReport{Profile: p.ID(), Target: p.Spec.KubernetesVersion,
		Decisions: []Decision{}, NotTargeted: []string{}}}
	var targeted []string
	for _, c := range clusters {
		if p.Targets(c) {
			targeted = append(targeted, c)
		} else {
			g.report.NotTargeted = append(g.report.NotTargeted, c)
		}
	}
	return g, targeted
}

// Add records one cluster's decision; safe for concurrent use.
func (g *GateRun) Add(d Decision) {
	if !g.explain {
		d.Explain = nil
	}
	g.mu.Lock()
	g.report.Decisions = append(g.report.Decisions, d)
	g.mu.Unlock()
}

// Finish returns the report, sorted, with Allowed set: nothing decided is nothing allowed.
func (g *GateRun) Finish() GateReport {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.report
	slices.SortFunc(r.Decisions, func(a, b Decision) int { return cmp.Compare(a.Cluster, b.Cluster) })
	slices.Sort(r.NotTargeted)
	r.Allowed = len(r.Decisions) > 0
	for _, d := range r.Decisions {
		r.Allowed = r.Allowed && d.Allowed
	}
	return r
}

// Message is the decision in one deterministic line (for hooks and webhooks).
func (d Decision) Message() string {
	if d.Allowed {
		return fmt.Sprintf("fleetaudit: %s is ready for %s (%s)", d.Cluster, d.Target, d.Profile)
	}
	msg := fmt.Sprintf("fleetaudit: %s is not ready for %s (%s): ", d.Cluster, d.Target, d.Profile)
	for i, r := range d.Reasons {
		if i > 0 {
			msg += "; "
		}
		msg += r
	}
	return msg
}

// FactsProblem says why c's facts cannot carry a decision (fail closed): missing, failed,
// incomplete (a collector of GateRequiredCollectors did not succeed) or older than maxAge;
// "" when they can.
func FactsProblem(c *facts.Cluster, maxAge time.Duration, now time.Time) string {
	if c == nil {
		return "no facts for the cluster: it has not been collected (fail closed)"
	}
	if c.Status() == facts.StatusFailed {
		return fmt.Sprintf("facts are missing: %s (fail closed)", c.Problem())
	}
	ok := map[string]bool{}
	for _, r := range c.Collection {
		ok[r.Collector] = r.OK()
	}
	for _, name := range GateRequiredCollectors {
		if !ok[name] {
			return fmt.Sprintf("facts are incomplete: collector %s did not succeed (fail closed)", name)
		}
	}
	if age := now.Sub(c.CollectedAt); age > maxAge {
		return fmt.Sprintf("facts are stale: collected %s ago, the profile allows %s (fail closed)", age.Truncate(time.Second), maxAge)
	}
	return ""
}

// denyRuleErrors fails closed on rules that could not be evaluated (failed, or ran out of
// --eval-timeout), since such a rule may hide a blocking finding: one reason per rule, and one
// for the rules a deadline left no time for.
func denyRuleErrors(d Decision, err error) Decision {
	errs := AsRuleErrors(err)
	if errs == nil {
		d.Reasons = append(d.Reasons, fmt.Sprintf("rules could not be evaluated: %v (fail closed)", err))
		return d
	}
	for _, line := range errs.Lines() {
		d.Reasons = append(d.Reasons, line+" (fail closed)")
	}
	return d
}

// Gate decides whether a cluster may move to a profile. c may be nil (no facts). It fails
// closed: missing, failed, incomplete or stale facts deny. Otherwise the rules run twice: once
// plain (for compliance scores), once with the profile and the scores; the upgrade rules' (and
// the profile's extra rules') deny findings at or above the profile's blocking severity deny.
func (e *Engine) Gate(ctx context.Context, cluster string, c *facts.Cluster, p *profile.Profile, now time.Time) Decision {
	return e.GateWaived(ctx, cluster, c, p, now, nil)
}

// GateWaived is Gate where waive (nil: none) marks the findings that accepted risks cover
// (Finding.Waiver) after each evaluation: a waived finding neither lowers the compliance
// scores the rules see nor blocks; it is listed in Waived and as a warning. The fail-closed
// checks and the non-waivable checks are not findings, so no waiver reaches them.
func (e *Engine) GateWaived(ctx context.Context, cluster string, c *facts.Cluster, p *profile.Profile, now time.Time, waive func([]Finding)) Decision {
	if waive == nil {
		waive = func([]Finding) {}
	}
	d := Decision{Cluster: cluster, Profile: p.ID(), Target: p.Spec.KubernetesVersion, Reasons: []string{}, Warnings: []string{}}
	deny := func(format string, a ...any) Decision {
		d.Reasons = append(d.Reasons, fmt.Sprintf(format, a...))
		return d
	}
	if c != nil {
		d.CollectedAt = c.CollectedAt
	}
	if problem := FactsProblem(c, p.MaxFactsAge(), now); problem != "" {
		return deny("%s", problem)
	}
	d.Safety = CheckSafety(c, p.Spec.KubernetesVersion, p.ProfileTarget())
	var safety []string
	for _, v := range d.Safety {
		safety = append(safety, v.Reason())
	}
	if len(d.Safety) > 0 && d.Safety[0].Check == SafetyReleaseFormat {
		d.Reasons = safety // the rules cannot judge a move to a version that does not exist
		return d
	}
	first, err := e.Evaluate(ctx, c)
	if err != nil {
		return denyRuleErrors(d, err)
	}
	waive(first)
	pin, err := p.Input()
	if err != nil {
		return deny("%v", err)
	}
	findings, err := e.EvaluateInput(ctx, Input{Cluster: c, Profile: pin, Scores: e.Scores(c, first, nil)})
	if err != nil {
		return denyRuleErrors(d, err)
	}
	waive(findings)
	blockingSev, _ := ParseSeverity(p.BlockingSeverity())
	blocks := func(r *Rule) bool {
		return r.Category == "upgrade" || slices.Contains(p.Spec.Requirements.Rules, r.ID)
	}
	byRule := map[string][]Finding{}
	for _, f := range findings {
		byRule[f.RuleID] = append(byRule[f.RuleID], f)
	}
	for _, r := range e.rules {
		out := RuleOutcome{ID: r.ID, Title: r.Title, Category: r.Category, Result: "pass", Blocking: blocks(r)}
		for _, f := range byRule[r.ID] {
			out.Findings++
			if f.Waived() { // an accepted risk: shown, never judged
				out.Waived++
				if blocks(r) {
					d.Waived = append(d.Waived, f)
					d.Warnings = append(d.Warnings, fmt.Sprintf("waived %s %s: %s (%s)", f.RuleID, f.Severity, f.Message, f.Waiver))
				}
				continue
			}
			switch {
			case f.Kind == "deny" && blocks(r) && f.Severity.AtLeast(blockingSev):
				d.Blocking = append(d.Blocking, f)
			case blocks(r):
				d.Warnings = append(d.Warnings, fmt.Sprintf("%s %s: %s", f.RuleID, f.Severity, f.Message))
			}
			if f.Kind == "deny" {
				out.Result = "deny"
			} else if out.Result == "pass" {
				out.Result = "warn"
			}
		}
		d.Explain = append(d.Explain, out)
	}
	SortFindings(d.Blocking)
	SortFindings(d.Waived)
	for _, f := range d.Blocking {
		d.Reasons = append(d.Reasons, fmt.Sprintf("%s %s: %s", f.RuleID, f.Severity, f.Message))
	}
	slices.Sort(d.Reasons)
	d.Reasons = append(append([]string{}, safety...), d.Reasons...)
	slices.Sort(d.Warnings)
	slices.SortFunc(d.Explain, func(a, b RuleOutcome) int { return cmp.Compare(a.ID, b.ID) })
	d.Allowed = len(d.Reasons) == 0
	return d
}
