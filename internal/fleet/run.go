package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
)

// Options tune a fleet run.
type Options struct {
	// Workers bounds how many clusters are collected and evaluated at once (default 8).
	Workers int
	// Timeout bounds each live cluster's whole collection (default 60s).
	Timeout time.Duration
	// MaxInflight bounds the API requests in flight across every live cluster of the run
	// (default DefaultMaxInflight), whatever --workers and the collectors' own parallelism.
	MaxInflight int
	// PageSize is the LIST page size (default collectors.DefaultPageSize).
	PageSize int64
	// Collectors run on each live cluster (default collectors.All with an empty Config).
	Collectors []collectors.Collector
	// Now stamps facts; default time.Now.
	Now func() time.Time
	// Progress, when set, hears when each cluster starts and finishes (done of total).
	Progress func(done, total int, cluster string, finished bool)
	// Bound, when set, gives the input the rules see as input.bound for a cluster (the
	// versions of the profile it is held to, for the drift rules); nil for none.
	Bound func(cluster string) map[string]any
	// State, when set, gives each cluster's place in the profile catalog (Result.Profile).
	State func(c *facts.Cluster) *binding.State
	// Log receives one debug record per cluster audited, and a warning per stale or expired
	// waiver of a run; nil discards.
	Log *slog.Logger
	// Waivers, when set, are applied to each cluster's findings after evaluation and before
	// its scores (policy.Finding.Waiver), at Now; expired ones become findings.
	Waivers *waiver.Set
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.MaxInflight <= 0 {
		o.MaxInflight = DefaultMaxInflight
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Collectors == nil {
		o.Collectors = collectors.All(collectors.Config{})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Job yields one cluster's facts. It never fails: a failure is recorded in the facts'
// Collection, so it travels with the facts into snapshots and reports.
type Job struct {
	Name string
	// Facts yields the facts. final, when not nil, hears which facts paths will not be written
	// again while the job still collects the rest (collectors.Target.Final); a job that reads
	// whole documents need not call it.
	Facts func(ctx context.Context, final FinalFunc) *facts.Cluster
	// Locate, when set, gives the place in a file of a finding's resource (jobs whose facts
	// are built from files); Run sets Finding.Location from it before waivers apply.
	Locate func(policy.ResourceRef) *policy.Location
}

// FinalFunc hears that paths (facts.Paths) of c are final.
type FinalFunc = func(c *facts.Cluster, paths ...string)

// LiveJobs collects facts from live clusters, each within o.Timeout.
func LiveJobs(targets []Target, o Options) []Job {
	o = o.withDefaults()
	slots := make(inflight, o.MaxInflight) // one bound for every cluster of the run
	jobs := make([]Job, 0, len(targets))
	for _, t := range targets {
		jobs = append(jobs, Job{Name: t.Name, Facts: func(ctx context.Context, final FinalFunc) *facts.Cluster {
			return collect(ctx, t, o, slots, final)
		}})
	}
	return jobs
}

func collect(ctx context.Context, t Target, o Options, slots inflight, final FinalFunc) *facts.Cluster {
	c := &facts.Cluster{
		SchemaVersion: facts.SchemaVersion, Name: t.Name, Server: t.Server,
		CollectedAt: o.Now().UTC().Truncate(time.Second), Nodes: []facts.Node{},
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	cfg := *t.Config
	if cfg.Timeout == 0 || cfg.Timeout > o.Timeout {
		cfg.Timeout = o.Timeout // discovery calls take no context; bound them here
	}
	cfg.Wrap(slots.wrap)
	client, err := kubernetes.NewForConfig(&cfg)
	if err != nil {
		c.Collection = []facts.CollectorRun{{Collector: facts.IdentityCollector, Reason: collectors.ReasonError,
			Error: fmt.Sprintf("create client: %v", err)}}
		return c
	}
	target := collectors.Target{Client: client, Config: &cfg, PageSize: o.PageSize, Final: final}
	if final != nil {
		final(c, facts.PresetPaths...)
	}
	if m, err := metricsclient.NewForConfig(&cfg); err == nil {
		target.Metrics = m // else usage comes from Prometheus or is unavailable
	}
	if m, err := metadata.NewForConfig(&cfg); err == nil {
		target.Metadata = m
	}
	collectors.Run(ctx, o.Collectors, target, c)
	return c
}

// Result is the audit of one cluster.
type Result struct {
	Cluster     string               `json:"cluster"`
	Server      string               `json:"server,omitempty"`
	Status      facts.Status         `json:"status"`
	Problem     string               `json:"problem,omitempty"`
	Version     string               `json:"version,omitempty"`
	Nodes       int                  `json:"nodes"`
	CollectedAt time.Time            `json:"collectedAt"`
	Collection  []facts.CollectorRun `json:"collection"`
	// Scores are the compliance scores per framework (rbac, cis) that could be computed.
	Scores   map[string]policy.Score `json:"scores,omitempty"`
	Findings []policy.Finding        `json:"findings"`
	// RuleErrors are the rules that failed or ran out of time (--eval-timeout) on the
	// cluster: the cluster is then partial, and Findings are the other rules'.
	RuleErrors []policy.RuleError `json:"ruleErrors,omitempty"`
	// Profile is the cluster's place in the profile catalog, when bindings are given.
	Profile *binding.State `json:"profile,omitempty"`
	// Backup is the cluster's backup readiness in brief (for reports), when collected.
	Backup *facts.BackupSummary `json:"backup,omitempty"`
}

// Audit is the result of one fleet run.
type Audit struct {
	GeneratedAt time.Time `json:"generatedAt"`
	Clusters    []Result  `json:"clusters"`
	// Waivers summarises the waiver file's effect on the run (nil without Options.Waivers).
	Waivers *waiver.Summary `json:"waivers,omitempty"`
}

// Each runs fn on every job's facts with at most o.Workers jobs at once; fn is called
// concurrently, with the job's index. Facts are not kept: memory holds at most Workers
// clusters' facts at a time.
func Each(ctx context.Context, jobs []Job, o Options, fn func(i int, c *facts.Cluster)) {
	each(ctx, jobs, o, nil, fn)
}

// each is Each where begin, when set, gives each job the FinalFunc it reports to.
func each(ctx context.Context, jobs []Job, o Options, begin func(i int) FinalFunc, fn func(i int, c *facts.Cluster)) {
	o = o.withDefaults()
	sem := make(chan struct{}, o.Workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if o.Progress != nil {
				mu.Lock()
				o.Progress(done, len(jobs), j.Name, false)
				mu.Unlock()
			}
			start := time.Now()
			var final FinalFunc
			if begin != nil {
				final = begin(i)
			}
			c := j.Facts(ctx, final)
			fn(i, c)
			o.Log.Debug("cluster audited", "cluster", j.Name, "status", c.Status(), "duration", time.Since(start).Round(time.Millisecond))
			mu.Lock()
			done++
			if o.Progress != nil {
				o.Progress(done, len(jobs), j.Name, true)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
}

// Run audits every job with at most o.Workers at once. keep, when set, receives each
// cluster's facts (e.g. to write a snapshot) before they are dropped; its errors are
// returned joined, after every cluster has been audited.
func Run(ctx context.Context, jobs []Job, engine *policy.Engine, o Options, keep func(*facts.Cluster) error) (*Audit, error) {
	o = o.withDefaults()
	a := &Audit{GeneratedAt: o.Now().UTC().Truncate(time.Second), Clusters: make([]Result, len(jobs))}
	keepErrs := make([]error, len(jobs))
	matched := make([][]int, len(jobs))
	// Each cluster's evaluation begins with its collection: rules start as soon as the facts
	// they read are final (see policy.Evaluation).
	evals := make([]*policy.Evaluation, len(jobs))
	begin := func(i int) FinalFunc {
		evals[i] = engine.Begin(ctx)
		if o.Bound != nil {
			if b := o.Bound(jobs[i].Name); b != nil {
				evals[i].With("bound", b)
			}
		}
		return evals[i].Final
	}
	each(ctx, jobs, o, begin, func(i int, c *facts.Cluster) {
		if keep != nil {
			keepErrs[i] = keep(c)
		}
		a.Clusters[i], matched[i] = evaluate(evals[i], engine, c, jobs[i].Locate, o.Waivers, a.GeneratedAt)
		if o.State != nil {
			a.Clusters[i].Profile = o.State(c)
		}
		evals[i] = nil
	})
	slices.SortFunc(a.Clusters, func(x, y Result) int { return cmp.Compare(x.Cluster, y.Cluster) })
	a.Waivers = summarizeWaivers(o, a, matched)
	return a, errors.Join(keepErrs...)
}

// summarizeWaivers sums each waiver's matches over the run, and warns of the waivers that
// matched nothing (stale) or expired.
func summarizeWaivers(o Options, a *Audit, matched [][]int) *waiver.Summary {
	if o.Waivers == nil {
		return nil
	}
	total := make([]int, len(o.Waivers.Waivers))
	for _, m := range matched {
		for i, n := range m {
			total[i] += n
		}
	}
	waived := 0
	for _, r := range a.Clusters {
		for _, f := range r.Findings {
			if f.Waived() {
				waived++
			}
		}
	}
	s := o.Waivers.Summarize(total, waived, a.GeneratedAt)
	for _, w := range s.Stale {
		o.Log.Warn("stale waiver: it matched no finding of the run; delete it, or fix its rule, clusters, namespace or resource",
			"waiver", w.Source, "rule", w.Rule, "clusters", strings.Join(w.Clusters, ","))
	}
	for _, w := range s.Expired {
		o.Log.Warn("expired waiver: it no longer waives anything; renew it or delete it", "waiver", w.Source, "rule", w.Rule, "expired", w.Expires, "owner", w.Owner)
	}
	return s
}

// Gate is policy.Engine.Gate with o.Waivers applied to the findings at now (see
// policy.Engine.GateWaived): the gate of audit, report, gate and serve waives alike.
func Gate(ctx context.Context, engine *policy.Engine, o Options, cluster string, c *facts.Cluster, p *profile.Profile, now time.Time) policy.Decision {
	if o.Waivers == nil {
		return engine.Gate(ctx, cluster, c, p, now)
	}
	return engine.GateWaived(ctx, cluster, c, p, now, func(fs []policy.Finding) { o.Waivers.Apply(fs, now) })
}

// Evaluate turns one cluster's facts into its audit result (no waivers).
func Evaluate(ctx context.Context, engine *policy.Engine, c *facts.Cluster) Result {
	r, _ := evaluate(engine.Begin(ctx), engine, c, nil, nil, time.Time{})
	return r
}

// evaluate finishes an evaluation begun during c's collection, applying waivers at now
// before the scores; it returns how many findings each waiver matched.
func evaluate(ev *policy.Evaluation, engine *policy.Engine, c *facts.Cluster, locate func(policy.ResourceRef) *policy.Location, waivers *waiver.Set, now time.Time) (Result, []int) {
	r := Result{
		Cluster: c.Name, Server: c.Server, Status: c.Status(), Nodes: len(c.Nodes),
		CollectedAt: c.CollectedAt, Collection: c.Collection, Findings: []policy.Finding{},
	}
	if c.Version != nil {
		r.Version = c.Version.GitVersion
	}
	if c.Backup != nil {
		r.Backup = c.Backup.Summary(c.CollectedAt)
	}
	if r.Status != facts.StatusOK {
		r.Problem = c.Problem()
	}
	if r.Status == facts.StatusFailed {
		ev.Stop()
		return r, nil
	}
	fs, err := ev.Finish(c)
	errs := policy.AsRuleErrors(err)
	if err != nil && errs == nil {
		r.Status, r.Problem = facts.StatusFailed, err.Error()
		return r, nil
	}
	if len(errs) > 0 { // like a collector that failed: the findings stand, the cluster is partial
		r.Status, r.RuleErrors = facts.StatusPartial, errs
		r.Problem = strings.TrimPrefix(r.Problem+"; rules: "+errs.Error(), "; ")
	}
	if c.Source != nil {
		fs = dropLiveRules(engine, fs)
	}
	if locate != nil {
		for i := range fs {
			fs[i].Location = locate(fs[i].Resource)
		}
	}
	expired, matched := waivers.Apply(fs, now)
	if len(expired) > 0 {
		fs = append(fs, expired...)
		policy.SortFindings(fs)
	}
	r.Findings = fs
	r.Scores = engine.Scores(c, fs, errs)
	return r, matched
}

// dropLiveRules drops, from the findings on facts built from files, those of rules that read
// the state of a live cluster (collectors.LivePaths): the facts have none of it, so such a
// rule is not judged there (reports list it as skipped), whatever it concluded from absence.
func dropLiveRules(engine *policy.Engine, fs []policy.Finding) []policy.Finding {
	live := map[string]bool{}
	for _, ru := range engine.Rules() {
		for _, p := range collectors.LivePaths() {
			if len(ru.Reads) > 0 && collectors.ReadsPath(ru.Reads, p) {
				live[ru.ID] = true
			}
		}
	}
	return slices.DeleteFunc(fs, func(f policy.Finding) bool { return live[f.RuleID] })
}

// Incomplete reports whether any cluster could not be fully audited.
func (a *Audit) Incomplete() bool {
	for _, r := range a.Clusters {
		if r.Status != facts.StatusOK {
			return true
		}
	}
	return false
}

// WorstSeverity is the highest severity among all open findings (deny and warn, not
// waived), or "" when there is none.
func (a *Audit) WorstSeverity() policy.Severity {
	var worst policy.Severity
	for _, r := range a.Clusters {
		for _, f := range r.Findings {
			if !f.Waived() && f.Severity.Rank() > worst.Rank() {
				worst = f.Severity
			}
		}
	}
	return worst
}
