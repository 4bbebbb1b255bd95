// Package collectors fills the facts document of one cluster. Each collector fetches one area
// with client-go (paginated LISTs) and hands the raw objects to pure functions that compute
// the facts; those pure functions carry the unit tests.
//
// Collectors are registered in one explicit table, All. A collector that fails records its
// error in facts.Cluster.Collection and the others still run.
package collectors

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/rules"
)

// Target is the cluster a collector reads from.
type Target struct {
	// Client is a read-only clientset with its own QPS budget.
	Client kubernetes.Interface
	// Metrics reads metrics.k8s.io when the cluster serves it; may be nil.
	Metrics metricsclient.Interface
	// Metadata lists objects' metadata only (for API-version evidence); may be nil.
	Metadata metadata.Interface
	// Config is the REST config Client was built from: the certificates collector makes a
	// TLS handshake with its settings and reads its client certificate; may be nil.
	Config *rest.Config
	// PageSize is the LIST page size (limit); 0 means DefaultPageSize.
	PageSize int64

	// Final, when set, hears which facts paths (facts.Paths) of the cluster's facts will not be
	// written again, so their rules can be evaluated while collection goes on. It is called
	// on the collecting goroutine.
	Final func(c *facts.Cluster, paths ...string)

	// shared holds objects that several collectors need (pods), listed once per cluster.
	shared *shared
}

// DefaultPageSize is the LIST page size used when Target.PageSize is 0.
const DefaultPageSize = 500

// Collector fills one part of a cluster's facts.
type Collector interface {
	// Name is the collector's stable name, used in facts.Collection and metrics.
	Name() string
	// Collect reads from t and writes into c. It must leave c consistent on error.
	Collect(ctx context.Context, t Target, c *facts.Cluster) error
}

// Writer is implemented by collectors: the facts paths (facts.Paths) a collector writes, and
// no other collector does. Run declares them final when the collector returns; a collector
// may declare some final earlier itself (Target.final).
type Writer interface {
	Writes() []string
}

// Starter is implemented by collectors with requests that depend on no other collector: Run
// starts them, with the LISTs, before any collector runs.
type Starter interface {
	Start(ctx context.Context, t Target)
}

// final declares paths of c final (see Target.Final).
func (t Target) final(c *facts.Cluster, paths ...string) {
	if t.Final != nil {
		t.Final(c, paths...)
	}
}

// Config holds the settings of the collectors that have any.
type Config struct {
	Usage   UsageConfig
	Cost    CostConfig
	Upgrade UpgradeConfig
	CIS     CISConfig
}

// All is the registry: every collector, in the order they run. The identity collector
// (facts.IdentityCollector) comes first; when it fails the cluster is unreachable and the
// others are skipped. CIS runs only when a CIS source is configured, scrapes only when a
// Prometheus is (--prometheus-url).
func All(cfg Config) []Collector {
	if cfg.Upgrade.RemovedAPIs == nil {
		cfg.Upgrade.RemovedAPIs, _ = rules.RemovedAPIs() // the embedded table always parses (tested)
	}
	cs := []Collector{
		Cluster{},
		RBAC{},
		UsageCollector{Config: cfg.Usage},
		Cost{Config: cfg.Cost}, // after usage: allocates with its per-pod usage
		Workloads{},            // before upgrade: its CronJob LIST spares upgrade's metadata scan of them
		Certificates{},         // before upgrade: so do its webhook configuration, APIService and CSR LISTs
		Upgrade{Config: cfg.Upgrade},
		Autoscaling{},
		Observability{},
		Backup{}, // after workloads: reads its Deployment, StatefulSet, DaemonSet and CronJob LISTs
	}
	if len(cfg.CIS.Sources) > 0 {
		cs = append(cs, CIS{Config: cfg.CIS})
	}
	if len(cfg.Usage.PrometheusURLs) > 0 {
		cs = append(cs, Scrapes{Config: cfg.Usage})
	}
	return cs
}

// Writes maps each collector's name to the facts paths it writes (the CIS and scrapes
// collectors' too, configured or not), so an output can tell which rules a failed collector
// left unjudged.
// Built once: All parses the embedded removed-API table. Callers must not modify it.
var Writes = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, c := range append(All(Config{}), CIS{}, Scrapes{}) {
		if w, ok := c.(Writer); ok {
			out[c.Name()] = w.Writes()
		}
	}
	return out
})

// ReadsPath reports whether a rule that declares reads (METADATA custom.reads) reads facts
// path p: a read names p, a part of p ("rbac" reads "rbac.roles"), or a field inside p.
// A rule that declares no reads reads every path.
func ReadsPath(reads []string, p string) bool {
	if len(reads) == 0 {
		return true
	}
	for _, r := range reads {
		if r == p || strings.HasPrefix(p, r+".") || strings.HasPrefix(r, p+".") {
			return true
		}
	}
	return false
}

// LivePaths are the facts paths the collectors write that facts built from files
// (facts.SourcePaths) do not have, sorted: the state of a live cluster.
var LivePaths = sync.OnceValue(func() []string {
	var out []string
	for _, paths := range Writes() {
		for _, p := range paths {
			if !slices.Contains(facts.SourcePaths, p) && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
})

// Applier is a collector configured per cluster (a CIS source, a Prometheus URL): on a
// cluster it does not apply to it is not run at all, so the rules reading what it writes are
// reported as not judged there ("did not run on this cluster"), never as passed.
type Applier interface {
	Applies(cluster string) bool
}

// Run runs the collectors against t in order and records each outcome in c.Collection.
func Run(ctx context.Context, cs []Collector, t Target, c *facts.Cluster) {
	if t.shared == nil {
		t.shared = &shared{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops prefetches nobody will read (e.g. the cluster is unreachable)
	var needs []string
	cs = slices.DeleteFunc(slices.Clone(cs), func(col Collector) bool {
		a, ok := col.(Applier)
		return ok && !a.Applies(c.Name)
	})
	for _, col := range cs {
		if n, ok := col.(Needer); ok {
			needs = append(needs, n.Needs()...)
		}
	}
	t.prefetch(ctx, needs)
	for _, col := range cs {
		if s, ok := col.(Starter); ok {
			s.Start(ctx, t)
		}
	}
	for _, col := range cs {
		start := time.Now()
		err := col.Collect(ctx, t, c)
		run := facts.CollectorRun{Collector: col.Name(), DurationSeconds: time.Since(start).Seconds()}
		if err != nil {
			run.Error = err.Error()
			run.Reason = Classify(ctx, err)
		}
		c.Collection = append(c.Collection, run)
		if err != nil && col.Name() == facts.IdentityCollector {
			return
		}
		if w, ok := col.(Writer); ok {
			t.final(c, w.Writes()...)
		}
	}
}
