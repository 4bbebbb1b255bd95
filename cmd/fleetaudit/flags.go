package main

import (
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/demo"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/manifests"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/rules"
)

// fleetFlags are the flags that choose and reach the clusters of the fleet.
type fleetFlags struct {
	kube        kubeFlags
	inCluster   bool
	clusterName string
	allContexts bool
	timeout     time.Duration
	workers     int
	maxInflight int
	qps         float64
	burst       int
	pageSize    int64

	promURLs     []string
	promLabel    string
	usageWindow  time.Duration
	priceFile    string
	reservations string
	spotLabels   []string
	spotDiscount float64
	cpuRAMRatio  float64

	removedAPIs  []string
	helmReleases bool

	cisSources   []string
	cisConfigDir string
	cisBenchmark string
	cisTargets   string
	cisJobImage  string
	cisJobNS     string
	cisJobTime   time.Duration
}

func (f *fleetFlags) register(cmd *cobra.Command) {
	f.kube.register(cmd)
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.BoolVar(&f.allContexts, "all-contexts", true, "audit every context of the kubeconfig when no --context is given")
		fs.BoolVar(&f.inCluster, "in-cluster", false, "audit the cluster fleetaudit runs in, with its pod's ServiceAccount")
		fs.StringVar(&f.clusterName, "cluster-name", "in-cluster", "name of the in-cluster cluster in results")
	})
	addFlags(cmd, groupCollection, func(fs *pflag.FlagSet) {
		fs.Var(durationFlag(&f.timeout, 60*time.Second, above[time.Duration](0)), "timeout", "time limit for collecting one cluster (see --request-timeout for one request)")
		fs.Var(intFlag(&f.workers, 8, atLeast(1)), "workers", "clusters audited in parallel")
		fs.Var(intFlag(&f.maxInflight, fleet.DefaultMaxInflight, atLeast(1)), "max-inflight", "API requests in flight across all clusters at once (a LIST page holds its slot until read)")
		fs.Var(floatFlag(&f.qps, 20, above[float64](0)), "qps", "API requests per second per cluster")
		fs.Var(intFlag(&f.burst, 40, atLeast(1)), "burst", "API request burst per cluster")
		fs.Var(int64Flag(&f.pageSize, 500, atLeast[int64](1)), "page-size", "objects per LIST page")
		fs.StringArrayVar(&f.promURLs, "prometheus-url", nil, "Prometheus for actual usage when a cluster serves no metrics.k8s.io: [CLUSTER=]URL (repeatable)")
		fs.StringVar(&f.promLabel, "prometheus-cluster-label", "", "label that tells clusters apart in a shared Prometheus (e.g. cluster)")
		fs.Var(durationFlag(&f.usageWindow, time.Hour, above[time.Duration](0)), "usage-window", "averaging window of Prometheus usage queries")
		fs.StringArrayVar(&f.removedAPIs, "removed-apis", nil, "extra removed-API table entries (YAML, the shape of rules/removed_apis.yaml; repeatable)")
		fs.BoolVar(&f.helmReleases, "helm-releases", false, "read Helm release Secrets (owner=helm) for chart versions and manifest API versions; needs list on secrets")
	})
	addFlags(cmd, groupCost, func(fs *pflag.FlagSet) {
		fs.StringVar(&f.priceFile, "prices", "", "price override file (CSV or YAML, the columns of internal/pricing/prices.csv)")
		fs.StringVar(&f.reservations, "reservations", "", "YAML list of reservations {name, instance_type, region, count, hourly_rate}")
		fs.StringArrayVar(&f.spotLabels, "spot-label", nil, "extra node label KEY=VALUE that marks spot capacity (repeatable)")
		fs.Var(floatFlag(&f.spotDiscount, collectors.DefaultSpotFallbackDiscount, between[float64](0, 1, true)), "spot-fallback-discount", "discount off on-demand for spot nodes whose price row has no spot price")
		fs.Var(floatFlag(&f.cpuRAMRatio, collectors.DefaultCPURAMRatio, above[float64](0)), "cpu-ram-price-ratio", "price of one core over one GiB of RAM when splitting a node's price")
	})
	addFlags(cmd, groupCIS, func(fs *pflag.FlagSet) {
		fs.StringArrayVar(&f.cisSources, "cis", nil, "CIS benchmark source, [CLUSTER=]local|job|file:PATH|none (repeatable; default none)")
		fs.StringVar(&f.cisConfigDir, "cis-config-dir", "", "kube-bench cfg folder (default: $"+collectors.CISConfigDirEnv+", /etc/kube-bench/cfg, the Go module cache)")
		fs.StringVar(&f.cisBenchmark, "cis-benchmark", "", "kube-bench benchmark to run, e.g. cis-1.12 (default: from the server version and platform)")
		fs.StringVar(&f.cisTargets, "cis-targets", "", "node types the local CIS source checks, e.g. master,etcd,node (default: detected from running components)")
		fs.StringVar(&f.cisJobImage, "cis-job-image", collectors.DefaultCISJobImage, "kube-bench image of the job source")
		fs.StringVar(&f.cisJobNS, "cis-job-namespace", "default", "namespace of the job source's Jobs")
		fs.Var(durationFlag(&f.cisJobTime, collectors.DefaultCISJobTimeout, above[time.Duration](0)), "cis-job-timeout", "how long the job source waits for each node")
	})
	for _, name := range []string{"prices", "reservations", "removed-apis"} {
		_ = cmd.MarkFlagFilename(name, "yaml", "yml", "csv", "json")
	}
	_ = cmd.MarkFlagDirname("cis-config-dir")
}

// validate checks what no single flag can: combinations. Each flag's own range is checked
// when it is set (rangeflag.go), from the command line or a config file.
func (f *fleetFlags) validate() error {
	if !f.allContexts && len(f.kube.contexts) == 0 {
		return usagef("--all-contexts=false needs at least one --context")
	}
	return nil
}

// collectorConfig turns the collector flags into collectors.Config.
func (f *fleetFlags) collectorConfig() (collectors.Config, error) {
	cfg := collectors.Config{CIS: collectors.CISConfig{
		ConfigDir: f.cisConfigDir, Benchmark: f.cisBenchmark,
		JobImage: f.cisJobImage, JobNamespace: f.cisJobNS, JobTimeout: f.cisJobTime,
	}}
	if f.cisTargets != "" {
		cfg.CIS.Targets = strings.Split(f.cisTargets, ",")
	}
	cfg.Usage = collectors.UsageConfig{ClusterLabel: f.promLabel, Window: f.usageWindow}
	for _, u := range f.promURLs {
		cluster, url := "*", u
		if c, rest, ok := strings.Cut(u, "="); ok && !strings.Contains(c, "://") {
			cluster, url = c, rest
		}
		if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
			return cfg, usagef("--prometheus-url %q: want [CLUSTER=]http(s)://HOST:PORT", u)
		}
		if cfg.Usage.PrometheusURLs == nil {
			cfg.Usage.PrometheusURLs = map[string]string{}
		}
		cfg.Usage.PrometheusURLs[cluster] = url
	}
	prices, err := pricing.Default()
	if err != nil {
		return cfg, err
	}
	if f.priceFile != "" {
		rows, err := pricing.LoadFile(f.priceFile)
		if err != nil {
			return cfg, usageError{err}
		}
		prices.Merge(rows)
	}
	cfg.Cost = collectors.CostConfig{Prices: prices, SpotFallbackDiscount: f.spotDiscount, CPURAMRatio: f.cpuRAMRatio}
	if f.reservations != "" {
		if cfg.Cost.Reservations, err = pricing.LoadReservations(f.reservations); err != nil {
			return cfg, usageError{err}
		}
	}
	if cfg.Upgrade.RemovedAPIs, err = f.removedAPITable(); err != nil {
		return cfg, err
	}
	cfg.Upgrade.HelmReleases = f.helmReleases
	for _, l := range f.spotLabels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return cfg, usagef("--spot-label %q: want KEY=VALUE", l)
		}
		if cfg.Cost.SpotLabels == nil {
			cfg.Cost.SpotLabels = map[string]string{}
		}
		cfg.Cost.SpotLabels[k] = v
	}
	for _, s := range f.cisSources {
		cluster, src, err := collectors.ParseCISSource(s)
		if err != nil {
			return cfg, usagef("--cis: %v", err)
		}
		if cfg.CIS.Sources == nil {
			cfg.CIS.Sources = map[string]collectors.CISSource{}
		}
		cfg.CIS.Sources[cluster] = src
	}
	return cfg, nil
}

func (f *fleetFlags) options() (fleet.Options, error) {
	cfg, err := f.collectorConfig()
	if err != nil {
		return fleet.Options{}, err
	}
	return fleet.Options{Workers: f.workers, Timeout: f.timeout, MaxInflight: f.maxInflight, PageSize: f.pageSize, Collectors: collectors.All(cfg)}, nil
}

// targets resolves the kubeconfig contexts to audit; every error is the user's input.
func (f *fleetFlags) targets() ([]fleet.Target, error) {
	o := fleet.KubeconfigOptions{Path: f.kube.kubeconfig, Contexts: f.kube.contexts, QPS: float32(f.qps), Burst: f.burst, Timeout: f.timeout}
	rt, err := f.kube.requestTimeout()
	if err != nil {
		return nil, err
	}
	if rt > 0 {
		o.Timeout = rt // else each request is bounded by the cluster's --timeout alone
	}
	if f.inCluster {
		ts, err := fleet.InCluster(f.clusterName, o)
		if err != nil {
			return nil, usageError{err}
		}
		return ts, nil
	}
	ts, err := fleet.LoadKubeconfig(o)
	if err != nil {
		return nil, usageError{err}
	}
	return ts, nil
}

// sourceFlags choose where facts come from: live kubeconfig contexts, a snapshot folder, or
// the embedded demo fleet.
type sourceFlags struct {
	fleetFlags
	demo      bool
	snapshot  string
	maxSnap   string
	logFormat string
	logLevel  string
	// manifests and kubeVersion are --manifests and --kube-version (audit and report only:
	// registerManifests).
	manifests   []string
	kubeVersion string
	// helmCharts, kustomize: charts rendered and overlays built (audit and report), with
	// the Helm values, --set overrides and extra API versions of every chart.
	helmCharts  []string
	kustomize   []string
	helmValues  []string
	helmSet     []string
	apiVersions []string
	helmRelease string
	helmNS      string
	// stderr receives logs and, on a terminal, progress; stdin is read by --manifests -.
	stderr io.Writer
	stdin  io.Reader
}

func (s *sourceFlags) register(cmd *cobra.Command) {
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.BoolVar(&s.demo, "demo", false, "use the embedded demo fleet instead of a kubeconfig")
		fs.StringVar(&s.snapshot, "snapshot", "", "use the facts documents in this folder (written by fleetaudit snapshot)")
		fs.StringVar(&s.maxSnap, "max-snapshot-size", defaultMaxSnapshotSize, "largest facts document --snapshot reads (bytes, or a quantity such as 64Mi or 1Gi)")
	})
	_ = cmd.MarkFlagDirname("snapshot")
	s.fleetFlags.register(cmd)
	addFlags(cmd, groupLogging, func(fs *pflag.FlagSet) {
		enumVarP(fs, &s.logFormat, "log-format", "", "text", logFormats, "log format")
		enumVarP(fs, &s.logLevel, "log-level", "", "info", logLevels, "log level")
	})
}

// registerManifests adds --manifests and --kube-version (audit, report): files audited as
// virtual clusters instead of live ones.
func (s *sourceFlags) registerManifests(cmd *cobra.Command) {
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.StringArrayVar(&s.manifests, "manifests", nil, "audit Kubernetes manifests instead of clusters: a YAML/JSON file, a folder of them, or - for stdin; each is one virtual cluster named by its path (repeatable; docs/manifests.md)")
		fs.StringVar(&s.kubeVersion, "kube-version", "", "Kubernetes version --manifests, --helm-chart and --kustomize are judged (and charts rendered) for, e.g. v1.33.0 (default: "+manifests.DefaultKubeVersion()+", the API version fleetaudit is built with)")
		fs.StringArrayVar(&s.helmCharts, "helm-chart", nil, "audit a Helm chart (folder or .tgz) rendered offline like helm template; one virtual cluster per chart (repeatable)")
		fs.StringArrayVar(&s.helmValues, "values", nil, "values file merged over each --helm-chart's values.yaml, in order (repeatable)")
		fs.StringArrayVar(&s.helmSet, "set", nil, "KEY=VALUE set on each --helm-chart after the values files, Helm's --set syntax (repeatable)")
		fs.StringArrayVar(&s.apiVersions, "api-versions", nil, "API version each --helm-chart sees as served (.Capabilities.APIVersions), like helm template -a, e.g. monitoring.coreos.com/v1 (repeatable)")
		fs.StringVar(&s.helmRelease, "helm-release", "", "release name each --helm-chart is rendered as (default: the chart's name)")
		fs.StringVar(&s.helmNS, "helm-namespace", "", "namespace each --helm-chart is rendered into, .Release.Namespace (default: default)")
		fs.StringArrayVar(&s.kustomize, "kustomize", nil, "audit a Kustomize overlay built like kustomize build (no plugins, no network); one virtual cluster per overlay (repeatable)")
	})
	_ = cmd.MarkFlagFilename("manifests", "yaml", "yml", "json")
	_ = cmd.MarkFlagDirname("helm-chart")
	_ = cmd.MarkFlagFilename("values", "yaml", "yml")
	_ = cmd.MarkFlagDirname("kustomize")
}

// fileInputs reports whether any files are audited instead of clusters.
func (s *sourceFlags) fileInputs() bool {
	return len(s.manifests)+len(s.helmCharts)+len(s.kustomize) > 0
}

// manifestJobs are the jobs of --manifests, one virtual cluster per path.
func (s *sourceFlags) manifestJobs() ([]fleet.Job, error) {
	if s.kubeVersion != "" {
		if _, err := manifests.ParseKubeVersion(s.kubeVersion); err != nil {
			return nil, usagef("--kube-version: %v", err)
		}
	}
	table, err := s.removedAPITable()
	if err != nil {
		return nil, err
	}
	if (len(s.helmValues) > 0 || len(s.helmSet) > 0 || len(s.apiVersions) > 0 || s.helmRelease != "" || s.helmNS != "") && len(s.helmCharts) == 0 {
		return nil, usagef("--values, --set, --api-versions, --helm-release and --helm-namespace apply to --helm-chart only")
	}
	var inputs []manifests.Input
	for _, p := range s.manifests {
		inputs = append(inputs, manifests.ManifestsInput(p, s.stdin))
	}
	kv := s.kubeVersion
	if kv == "" {
		kv = manifests.DefaultKubeVersion() // what the objects are judged for is what the chart sees
	}
	for _, p := range s.helmCharts {
		inputs = append(inputs, manifests.HelmInput(p, manifests.HelmOptions{ValueFiles: s.helmValues, Set: s.helmSet,
			KubeVersion: kv, APIVersions: s.apiVersions, Release: s.helmRelease, Namespace: s.helmNS}))
	}
	for _, p := range s.kustomize {
		inputs = append(inputs, manifests.KustomizeInput(p))
	}
	jobs := make([]fleet.Job, 0, len(inputs))
	seen := map[string]bool{}
	for _, in := range inputs {
		if in.Path == "" {
			return nil, usagef("--%s: empty path; give a file or folder (or - for stdin with --manifests)", in.Kind)
		}
		if seen[in.Path] {
			return nil, usagef("%s given twice (--manifests, --helm-chart, --kustomize): each path is one virtual cluster", in.Path)
		}
		seen[in.Path] = true
		jobs = append(jobs, manifests.Job(in, manifests.Options{KubeVersion: s.kubeVersion, RemovedAPIs: table}))
	}
	return jobs, nil
}

// logger builds the structured logger of --log-format and --log-level.
func (s *sourceFlags) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return nil, usagef("--log-level: %v", notOneOf(s.logLevel, logLevels))
	}
	w := s.stderr
	if w == nil {
		w = io.Discard
	}
	opts := &slog.HandlerOptions{Level: level}
	switch s.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format: %v", notOneOf(s.logFormat, logFormats))
}

// jobs validates the flags and returns the fleet jobs and run options.
func (s *sourceFlags) jobs() ([]fleet.Job, fleet.Options, error) {
	if err := s.validate(); err != nil {
		return nil, fleet.Options{}, err
	}
	opts, err := s.options()
	if err != nil {
		return nil, opts, err
	}
	log, err := s.logger()
	if err != nil {
		return nil, opts, err
	}
	opts.Log = log
	opts.Progress = newProgress(s.stderr)
	if s.kubeVersion != "" && !s.fileInputs() {
		return nil, opts, usagef("--kube-version applies to --manifests, --helm-chart and --kustomize only: a live cluster reports its own version")
	}
	if s.fileInputs() {
		for _, other := range []struct {
			set  bool
			flag string
		}{{s.demo, "--demo"}, {s.snapshot != "", "--snapshot"}, {len(s.kube.contexts) > 0, "--context"}, {s.inCluster, "--in-cluster"}} {
			if other.set {
				return nil, opts, usagef("--manifests, --helm-chart or --kustomize and %s cannot be combined: audit files or clusters, in separate runs", other.flag)
			}
		}
		jobs, err := s.manifestJobs()
		return jobs, opts, err
	}
	switch {
	case s.demo && s.snapshot != "":
		return nil, opts, usagef("--demo and --snapshot cannot be combined")
	case s.demo:
		jobs, err := demo.Jobs()
		return jobs, opts, err
	case s.snapshot != "":
		limit, err := s.maxSnapshotSize()
		if err != nil {
			return nil, opts, err
		}
		snap, err := fleet.OpenSnapshot(s.snapshot, fleet.SnapshotOptions{MaxFileSize: limit, Workers: s.workers})
		if err != nil {
			return nil, opts, usageError{err} // the folder is the user's input
		}
		return snap.Jobs(), opts, nil
	}
	targets, err := s.targets()
	if err != nil {
		return nil, opts, err
	}
	return fleet.LiveJobs(targets, opts), opts, nil
}

// defaultMaxSnapshotSize is fleet.DefaultMaxSnapshotFileSize as the flag spells it (tested).
const defaultMaxSnapshotSize = "64Mi"

// maxSnapshotSize parses --max-snapshot-size.
func (s *sourceFlags) maxSnapshotSize() (int64, error) {
	q, err := resource.ParseQuantity(s.maxSnap)
	n, ok := q.AsInt64()
	if err != nil || !ok || n < 1 {
		return 0, usagef("--max-snapshot-size %q: want a size in bytes, or a quantity such as 64Mi or 1Gi", s.maxSnap)
	}
	return n, nil
}

// removedAPITable is the embedded removed-API table plus --removed-apis files.
func (f *fleetFlags) removedAPITable() ([]rules.RemovedAPI, error) {
	t, err := rules.RemovedAPIs(f.removedAPIs...)
	if err != nil {
		return nil, usageError{err}
	}
	return t, nil
}
