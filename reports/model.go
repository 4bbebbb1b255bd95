package reports

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
)

// ReportSchemaVersion identifies the layout of the report model as JSON (docs/report.md):
// `audit -o json`, report.json and the gate's reports all have it. v1alpha2 made resources
// objects and added controls (v1alpha1 reports still load, for history diffs).
const ReportSchemaVersion = "fleetaudit.io/report/v1alpha2"

// LegacyReportSchemaVersions are older layouts that still load.
var LegacyReportSchemaVersions = []string{"fleetaudit.io/report/v1alpha1"}

// Report is the one report model: a fleet audit as every output format renders it (the
// terminal table, JSON, HTML, …).
type Report struct {
	SchemaVersion string    `json:"schemaVersion"`
	GeneratedAt   time.Time `json:"generatedAt"`
	Summary       Summary   `json:"summary"`
	// Rules are every rule evaluated (JUnit and PolicyReports list passes too).
	Rules    []RuleInfo      `json:"rules"`
	Clusters []ClusterReport `json:"clusters"`
	// Controls is the per-framework, per-control pass/fail table (see ControlResult).
	Controls []ControlResult `json:"controls"`
	// Changes since the previous report of the same history folder; nil for the first.
	Changes *Changes `json:"changes,omitempty"`
	// Waivers is the waiver file's effect (--waivers): findings waived, waivers expiring
	// soon, expired and stale. nil without a waiver file.
	Waivers *waiver.Summary `json:"waivers,omitempty"`
	// Baseline compares the run with a baseline report (--baseline); nil without one.
	Baseline *Baseline `json:"baseline,omitempty"`
	// NextExpiring are the fleet's soonest-expiring certificates (Builder.NextExpiring);
	// empty when no certificates facts were kept.
	NextExpiring []ExpiringCertificate `json:"nextExpiring,omitempty"`
	// Shards says which parts of a sharded fleet the report holds (audit --shard, merge);
	// nil for a run over the whole fleet.
	Shards *Shards `json:"shards,omitempty"`
}

// RuleInfo describes one rule.
type RuleInfo struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Category policy.Category `json:"category"`
	Severity policy.Severity `json:"severity"`
	// Severities are every severity the rule's findings may carry, most severe first.
	Severities []policy.Severity `json:"severities,omitempty"`
	Controls   []policy.Control  `json:"controls,omitempty"`
	// Reads are the facts paths the rule reads (METADATA custom.reads); empty: every path.
	Reads []string `json:"reads,omitempty"`
	// Description, Remediation and References are the rule's METADATA (SARIF rule help).
	Description string   `json:"description,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
	References  []string `json:"references,omitempty"`
}

// Summary is the fleet at a glance.
type Summary struct {
	Clusters   int `json:"clusters"`
	Audited    int `json:"audited"`
	Incomplete int `json:"incomplete"`
	Failed     int `json:"failed"`
	// Findings counts the open findings (not waived) by severity.
	Findings map[string]int `json:"findings"`
	// Waived counts the findings an accepted risk waives (with --waivers).
	Waived int `json:"waived,omitempty"`
	// MonthlyCost sums the priced nodes of every cluster (USD).
	MonthlyCost float64 `json:"monthlyCost"`
	// Profile and UpgradeReady count gate decisions, when a profile was given.
	Profile      string `json:"profile,omitempty"`
	UpgradeReady int    `json:"upgradeReady"`
	// UpdatesAvailable counts clusters whose bound profile has a newer catalog version than
	// the one they are held to.
	UpdatesAvailable int `json:"updatesAvailable"`
}

// ClusterReport is one cluster's part.
type ClusterReport struct {
	Name        string               `json:"name"`
	Server      string               `json:"server,omitempty"`
	Version     string               `json:"version,omitempty"`
	Status      facts.Status         `json:"status"`
	Problem     string               `json:"problem,omitempty"`
	Nodes       int                  `json:"nodes"`
	CollectedAt time.Time            `json:"collectedAt,omitzero"`
	Collection  []facts.CollectorRun `json:"collection"`
	// RuleErrors are the rules that failed or ran out of time on the cluster (it is partial).
	RuleErrors []policy.RuleError `json:"ruleErrors,omitempty"`
	// Scores are the compliance scores per framework (rbac, cis) that could be computed.
	Scores   map[string]policy.Score `json:"scores"`
	Findings []policy.Finding        `json:"findings"`
	// Skipped are the rules not judged on the cluster, with why: a fact they read was not
	// collected (its collector failed or did not run; on facts built from files, it is the
	// state of a live cluster). Such a rule neither passed nor failed. Empty for a failed
	// cluster, of which no rule was judged (see Problem).
	Skipped []SkippedRule    `json:"skipped"`
	Cost    *CostSummary     `json:"cost,omitempty"`
	Upgrade *policy.Decision `json:"upgrade,omitempty"`
	// Profile is the cluster's place in the profile catalog (bound profile, the version it
	// is held to and runs, updates available), when bindings were given.
	Profile *binding.State `json:"profile,omitempty"`
	// Backup is the cluster's backup readiness (Velero locations, schedules, restore test).
	Backup *facts.BackupSummary `json:"backup,omitempty"`
}

// SkippedRule is a rule not judged on a cluster.
type SkippedRule struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// ProfileSummary is the cluster's place in the profile catalog in words ("" without
// bindings), for the HTML and Markdown reports.
func (c ClusterReport) ProfileSummary() string { return ProfileLine(c.Profile) }

// CostSummary is the cost and capacity mix of a cluster.
type CostSummary struct {
	Hourly          float64            `json:"hourly"`
	Monthly         float64            `json:"monthly"`
	ByCapacityType  map[string]float64 `json:"byCapacityType"`
	NodesByCapacity map[string]int     `json:"nodesByCapacity"`
	IdleHourly      float64            `json:"idleHourly"`
	Unpriced        int                `json:"unpriced"`
	TopNamespaces   []NamespaceCost    `json:"topNamespaces"`
}

// NamespaceCost is a namespace's hourly allocation.
type NamespaceCost struct {
	Name   string  `json:"name"`
	Hourly float64 `json:"hourly"`
}

// Changes compares a report with the previous one.
type Changes struct {
	Previous  time.Time        `json:"previous"`
	New       []policy.Finding `json:"new"`
	Resolved  []policy.Finding `json:"resolved"`
	Unchanged int              `json:"unchanged"`
	Scores    []ScoreChange    `json:"scores"`
}

// ScoreChange is a compliance score before and after.
type ScoreChange struct {
	Cluster   string  `json:"cluster"`
	Framework string  `json:"framework"`
	Before    float64 `json:"before"`
	After     float64 `json:"after"`
}

// Builder gathers a report while a fleet run streams clusters through: Keep takes what the
// report needs from each cluster's facts (a cost summary, not the facts).
type Builder struct {
	costs map[string]*CostSummary

	mu       sync.Mutex
	expiring []ExpiringCertificate
}

// NewBuilder starts a report.
func NewBuilder() *Builder { return &Builder{costs: map[string]*CostSummary{}} }

// Keep records the cost summary and the soonest-expiring certificates of one cluster; safe
// for one call per cluster, concurrently.
func (b *Builder) Keep(c *facts.Cluster) *CostSummary {
	b.keepCertificates(c)
	if c.Cost == nil {
		return nil
	}
	s := &CostSummary{Hourly: c.Cost.Hourly, Monthly: c.Cost.Monthly, ByCapacityType: c.Cost.HourlyByCapacityType,
		NodesByCapacity: map[string]int{}, IdleHourly: c.Cost.IdleHourly, Unpriced: len(c.Cost.Unpriced), TopNamespaces: []NamespaceCost{}}
	for _, n := range c.Cost.Nodes {
		s.NodesByCapacity[n.CapacityType]++
	}
	for _, n := range c.Cost.Namespaces {
		s.TopNamespaces = append(s.TopNamespaces, NamespaceCost{Name: n.Name, Hourly: n.Hourly})
	}
	slices.SortFunc(s.TopNamespaces, func(a, b NamespaceCost) int {
		return cmp.Or(cmp.Compare(b.Hourly, a.Hourly), cmp.Compare(a.Name, b.Name))
	})
	if len(s.TopNamespaces) > 10 {
		s.TopNamespaces = s.TopNamespaces[:10]
	}
	return s
}

// Build assembles the report from an audit, the kept cost summaries (by cluster) and gate
// decisions (optional). With waivers, the built-in rule of expired waivers is among the rules.
func Build(a *fleet.Audit, rules []*policy.Rule, costs map[string]*CostSummary, decisions []policy.Decision, profileID string, now time.Time) *Report {
	r := &Report{SchemaVersion: ReportSchemaVersion, GeneratedAt: now.UTC().Truncate(time.Second),
		Summary: Summary{Clusters: len(a.Clusters), Findings: map[string]int{}, Profile: profileID}, Clusters: []ClusterReport{}, Rules: []RuleInfo{},
		Waivers: a.Waivers}
	if a.Waivers != nil {
		rules = append(slices.Clip(rules), waiver.ExpiredRule())
	}
	for _, ru := range rules {
		r.Rules = append(r.Rules, RuleInfo{ID: ru.ID, Title: ru.Title, Category: ru.Category, Severity: ru.Severity,
			Severities: ru.Severities, Controls: ru.Controls, Reads: ru.Reads,
			Description: ru.Description, Remediation: ru.Remediation, References: ru.References})
	}
	byCluster := map[string]policy.Decision{}
	for _, d := range decisions {
		byCluster[d.Cluster] = d
	}
	for _, c := range a.Clusters {
		cr := ClusterReport{Name: c.Cluster, Server: c.Server, Version: c.Version, Status: c.Status, Problem: c.Problem,
			Nodes: c.Nodes, CollectedAt: c.CollectedAt, Collection: c.Collection, RuleErrors: c.RuleErrors,
			Scores: c.Scores, Findings: c.Findings, Cost: costs[c.Cluster], Profile: c.Profile, Backup: c.Backup}
		if cr.Scores == nil {
			cr.Scores = map[string]policy.Score{}
		}
		if cr.Findings == nil {
			cr.Findings = []policy.Finding{}
		}
		if cr.Collection == nil {
			cr.Collection = []facts.CollectorRun{}
		}
		cr.Skipped = skippedRules(cr, r.Rules)
		if d, ok := byCluster[c.Cluster]; ok {
			d.Explain = nil
			cr.Upgrade = &d
		}
		r.Clusters = append(r.Clusters, cr)
	}
	r.summarize()
	return r
}

// summarize computes everything the report derives from its clusters: the summary's counts
// and cost, and the controls table. Build and Merge both end with it.
func (r *Report) summarize() {
	s := &r.Summary
	s.Clusters, s.Audited, s.Incomplete, s.Failed, s.Waived = len(r.Clusters), 0, 0, 0, 0
	s.MonthlyCost, s.UpgradeReady, s.UpdatesAvailable = 0, 0, 0
	s.Findings = map[string]int{}
	for _, sev := range policy.Severities {
		s.Findings[string(sev)] = 0
	}
	for _, cr := range r.Clusters {
		switch cr.Status {
		case facts.StatusOK:
			s.Audited++
		case facts.StatusPartial:
			s.Incomplete++
		default:
			s.Failed++
		}
		for _, f := range cr.Findings {
			if f.Waived() {
				s.Waived++
			} else {
				s.Findings[string(f.Severity)]++
			}
		}
		if cr.Upgrade != nil && cr.Upgrade.Allowed {
			s.UpgradeReady++
		}
		if cr.Cost != nil {
			s.MonthlyCost += cr.Cost.Monthly
		}
		if cr.Profile != nil && cr.Profile.UpdateAvailable {
			s.UpdatesAvailable++
		}
	}
	r.Controls = buildControls(r)
}

// FindingsWhere is the report's findings that keep accepts, most severe first.
func (r *Report) FindingsWhere(keep func(policy.Finding) bool) []policy.Finding {
	var out []policy.Finding
	for _, c := range r.Clusters {
		for _, f := range c.Findings {
			if keep(f) {
				out = append(out, f)
			}
		}
	}
	policy.SortFindings(out)
	return out
}

// Diff fills r.Changes against the previous report: findings are the same across runs when
// their identities match (see compare).
func (r *Report) Diff(prev *Report) {
	if prev == nil {
		return
	}
	ch := &Changes{Previous: prev.GeneratedAt, New: []policy.Finding{}, Resolved: []policy.Finding{}, Scores: []ScoreChange{}}
	seen, resolved := compare(prev, r)
	for i, c := range r.Clusters {
		for j, f := range c.Findings {
			if seen[i][j] {
				ch.Unchanged++
			} else {
				ch.New = append(ch.New, f)
			}
		}
	}
	ch.Resolved = append(ch.Resolved, resolved...)
	prevScores := map[[2]string]float64{}
	for _, c := range prev.Clusters {
		for fw, s := range c.Scores {
			prevScores[[2]string{c.Name, fw}] = s.Ratio
		}
	}
	for _, c := range r.Clusters {
		for _, fw := range slices.Sorted(maps.Keys(c.Scores)) {
			if b, ok := prevScores[[2]string{c.Name, fw}]; ok {
				ch.Scores = append(ch.Scores, ScoreChange{Cluster: c.Name, Framework: fw, Before: b, After: c.Scores[fw].Ratio})
			}
		}
	}
	policy.SortFindings(ch.New)
	r.Changes = ch
}
