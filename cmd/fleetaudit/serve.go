package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/metrics"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/server"
	"github.com/fleetaudit/fleetaudit/reports"
)

// serveFlags are serve's own flags.
type serveFlags struct {
	interval   time.Duration
	jitter     float64
	listen     string
	tlsListen  string
	hookListen string
	tlsCert    string
	tlsKey     string
	profiles   []string
	bindings   string
	decisions  string
	writers    []string
	limits     server.Limits

	// Who may call the gate endpoints.
	clientCA             string
	tokenReviewContext   string
	tokenReviewInCluster bool
	tokenReviewAudiences []string
	gateAllow            []string
	allowUnauthenticated bool

	reportSchedule string
	reportDir      string
	report         reportFlags

	// topNamespaces bounds the namespaces with their own metric series per cluster.
	topNamespaces int

	// The replica's shard of the fleet, and its peers that own the others.
	shard shardFlags
	peers peerFlags
}

func newServeCmd(c *cli) *cobra.Command {
	var (
		src = sourceFlags{stderr: c.stderr}
		rf  ruleFlags
		sf  serveFlags
		nf  = notifyFlags{stderr: c.stderr}
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Audit on an interval; serve metrics, health and the gate (HTTP, Cluster API hook, admission webhook)",
		Example: `  fleetaudit serve --demo --listen :8080
  fleetaudit serve --profile p.yaml --bindings bindings.yaml --tls-cert tls.crt --tls-key tls.key
  fleetaudit serve --in-cluster --report-schedule "0 6 * * *" --report-dir /reports`,
		Args: cobra.NoArgs,
	}
	src.register(cmd)
	rf.register(cmd)
	rf.registerWaivers(cmd)
	sf.shard.register(cmd)
	sf.peers.register(cmd)
	addFlags(cmd, groupServe, func(fs *pflag.FlagSet) {
		fs.Var(durationFlag(&sf.interval, 5*time.Minute, above[time.Duration](0)), "interval", "time between audits")
		fs.Var(floatFlag(&sf.jitter, 0.1, between[float64](0, 1, false)), "jitter", "random extra share of the interval, to spread load (0-1)")
		fs.StringVar(&sf.listen, "listen", ":8080", "address of /metrics, /healthz, /readyz (plain HTTP)")
		fs.IntVar(&sf.topNamespaces, "metrics-top-namespaces", metrics.DefaultTopNamespaces, `namespaces per cluster with their own series in metrics labelled by namespace (the largest by cost, violations or quota use); the rest are summed into namespace="other" (0: every namespace)`)
		fs.StringVar(&sf.tlsListen, "tls-listen", ":8443", "address of the gate endpoints (/v1/gate, Cluster API hook, admission webhook), served over TLS")
		fs.StringVar(&sf.hookListen, "hook-listen", "", "also serve the Cluster API hook alone on this address, over TLS without caller authentication (Cluster API presents none: restrict the port to its controller with a NetworkPolicy); its decisions are not recorded")
		fs.StringVar(&sf.tlsCert, "tls-cert", "", "TLS certificate (PEM) of the gate endpoints; without it they are not served")
		fs.StringVar(&sf.tlsKey, "tls-key", "", "TLS private key (PEM)")
		fs.StringArrayVar(&sf.profiles, "profile", nil, "ClusterProfile file, or catalog folder of profile versions, the gate endpoints decide with (repeatable)")
		fs.StringVar(&sf.decisions, "decision-dir", "", decisionDirUsage)
		fs.StringArrayVar(&sf.writers, "decision-writer", nil, "caller (certificate CN or O, token username or group) whose admissions the decision history records, e.g. the API server's webhook client (repeatable; default: every caller)")
		fs.StringVar(&sf.bindings, "bindings", "", "Bindings file: the profile each fleet cluster is held to and the fleet cluster each Cluster API Cluster object is (the webhook and hook deny what it does not bind)")
		fs.StringVar(&sf.clientCA, "client-ca", "", "CA bundle (PEM) that gate callers' client certificates must verify against (reloaded when it changes)")
		fs.StringVar(&sf.tokenReviewContext, "token-review-context", "", "accept gate callers' bearer tokens that a TokenReview in this kubeconfig context authenticates")
		fs.BoolVar(&sf.tokenReviewInCluster, "token-review-in-cluster", false, "accept bearer tokens that a TokenReview in the cluster fleetaudit runs in authenticates")
		fs.StringArrayVar(&sf.tokenReviewAudiences, "token-review-audience", nil, "audience a bearer token must be valid for (repeatable; default: the cluster's API audiences)")
		fs.StringArrayVar(&sf.gateAllow, "gate-allow", nil, "subject allowed to call the gate: certificate CN or O, token username or group (repeatable; default: any authenticated caller)")
		fs.BoolVar(&sf.allowUnauthenticated, "allow-unauthenticated-callers", false, "serve the gate endpoints to any caller (unsafe: for tests only)")
		fs.IntVar(&sf.limits.Concurrency, "gate-concurrency", 0, "gate evaluations (a cluster of a /v1/gate request, a webhook or hook decision) that run at once (0: one per two CPUs, at least 1)")
		fs.IntVar(&sf.limits.Queue, "gate-queue", server.DefaultQueue, "gate requests that may wait for an evaluation slot; beyond them the gate answers busy (429, Retry-After; the webhook denies, the hook asks to retry)")
		fs.DurationVar(&sf.limits.Timeout, "gate-timeout", server.DefaultTimeout, "longest a gate request may wait and be evaluated (the webhook and hook answer within their caller's shorter timeout)")
		fs.StringVar(&sf.reportSchedule, "report-schedule", "", `write a report of the last audit on this cron schedule ("0 6 * * *", "@every 24h"; UTC)`)
		fs.StringVar(&sf.reportDir, "report-dir", "reports", "history folder of scheduled reports")
		sf.report.register(fs, "report-")
	})
	nf.register(cmd) // notifies after each scheduled report
	cmd.RunE = c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
		return serve(cmd.Context(), &src, &rf, sf, &nf, c.stdout)
	})
	return cmd
}

func serve(ctx context.Context, src *sourceFlags, rf *ruleFlags, sf serveFlags, nf *notifyFlags, stdout io.Writer) (int, error) {
	if sf.limits.Concurrency < 0 || sf.limits.Queue < 0 || sf.limits.Timeout <= 0 {
		return exitUsage, usagef("--gate-concurrency and --gate-queue must be at least 0 and --gate-timeout positive")
	}
	var schedule cron.Schedule
	var reportFormats []string
	if sf.reportSchedule != "" {
		var err error
		if schedule, err = cron.ParseStandard(sf.reportSchedule); err != nil {
			return exitUsage, usagef("--report-schedule %q: %v", sf.reportSchedule, err)
		}
		if reportFormats, err = sf.report.list(); err != nil {
			return exitUsage, err
		}
	}
	if err := nf.load(); err != nil {
		return exitUsage, err
	}
	if len(nf.urls) > 0 && schedule == nil {
		return exitUsage, usagef("serve --notify needs --report-schedule: serve notifies after each scheduled report")
	}
	if (sf.tlsCert == "") != (sf.tlsKey == "") {
		return exitUsage, usagef("--tls-cert and --tls-key go together")
	}
	if err := sf.checkCallerFlags(); err != nil {
		return exitUsage, err
	}
	shard, err := sf.shard.resolve()
	if err != nil {
		return exitUsage, err
	}
	peers, err := sf.peers.peers(shard, &sf)
	if err != nil {
		return exitUsage, err
	}
	var profiles []*profile.Profile
	var cat *profile.Catalog
	if len(sf.profiles) > 0 { // files and catalog folders: every version of every profile
		var err error
		if cat, err = profile.LoadCatalogPaths(sf.profiles); err != nil {
			return exitUsage, usageError{err}
		}
		profiles = cat.All()
	}
	var bindings *binding.Bindings
	if sf.bindings != "" {
		var err error
		if bindings, err = binding.Load(sf.bindings); err != nil {
			return exitUsage, usageError{err}
		}
		for _, pb := range bindings.Profiles {
			if _, err := binding.Resolve(pb.Profile, profiles); err != nil {
				return exitUsage, usagef("%s: %v", sf.bindings, err)
			}
		}
	}
	engine, _, opts, err := prepare(ctx, src, rf) // validates the inventory once before serving
	if err != nil {
		return exitUsage, err
	}
	log := opts.Log
	var decisions *server.DecisionLog
	if sf.decisions != "" {
		if decisions, err = server.NewDecisionLog(sf.decisions); err != nil {
			return exitUsage, usageError{err}
		}
		decisions.Writers = sf.writers
	}
	if bindings != nil && cat != nil {
		opts.Bound = func(cluster string) map[string]any { return bindings.Input(cluster, cat) } // drift findings
		opts.State = stateFunc(bindings, cat, decisions)
	}
	gate, err := sf.gateTLS(src, log)
	if err != nil {
		return exitUsage, err
	}
	srv := server.New(server.Config{
		Engine: engine, Profiles: profiles, Bindings: bindings, Options: opts, Interval: sf.interval, Jitter: sf.jitter, Log: log,
		Jobs:    func() ([]fleet.Job, error) { j, _, err := src.jobs(); return filterJobs(j, shard), err },
		Callers: gate.callers, Decisions: decisions, Limits: sf.limits, Shard: shard, Peers: peers,
	})
	if sf.topNamespaces < 0 {
		return exitUsage, usagef("--metrics-top-namespaces must be at least 0")
	}
	mc := metrics.NewWith(metrics.Options{TopNamespaces: sf.topNamespaces, Shard: shard.String()})
	srv.AddObserver(server.MetricsObserver{Collector: mc, Rules: engine.Rules()})
	metricsHandler, _ := metrics.Handler(mc)
	if schedule != nil {
		hist := reports.History{Dir: sf.reportDir, Keep: sf.report.keep, KeepFor: sf.report.keepFor}
		c := cron.New(cron.WithLocation(time.UTC))
		c.Schedule(schedule, cron.FuncJob(func() {
			r, dir, err := srv.WriteReport(hist, reportFormats)
			if err != nil {
				log.Error("scheduled report", "err", err)
				return
			}
			log.Info("scheduled report written", "dir", dir)
			for _, w := range nf.send(ctx, r) {
				log.Warn("notify", "err", w)
			}
		}))
		c.Start()
		defer func() { <-c.Stop().Done() }()
	}
	if gate.certs != nil {
		watchCtx, stopWatching := context.WithCancel(ctx)
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			if err := gate.certs.Run(watchCtx); err != nil {
				log.Error("certificates will not reload", "err", err)
			}
		}()
		defer func() { stopWatching(); <-watched }()
	}
	return serveUntilDone(ctx, srv, sf, gate.tls, metricsHandler, stdout, log)
}

// serveUntilDone runs the audit loop and the listeners until ctx ends, then shuts down
// gracefully: listeners stop accepting, in-flight requests get 10 seconds. Health and
// metrics have their own listener, so gate load never queues them behind evaluations; every
// listener has read, write and idle timeouts (server.HealthTimeouts, server.GateTimeouts).
func serveUntilDone(ctx context.Context, srv *server.Server, sf serveFlags, tlsCfg *tls.Config, metricsHandler http.Handler, stdout io.Writer, log *slog.Logger) (int, error) {
	plain, err := net.Listen("tcp", sf.listen)
	if err != nil {
		return exitUsage, usagef("listen %s: %v", sf.listen, err)
	}
	servers := []*http.Server{server.HealthTimeouts().Server(srv.Handler(map[string]http.Handler{"GET /metrics": metricsHandler}))}
	listeners := []net.Listener{plain}
	fmt.Fprintf(stdout, "serving /metrics /healthz /readyz on http://%s\n", plain.Addr())
	if tlsCfg != nil {
		tl, err := net.Listen("tcp", sf.tlsListen)
		if err != nil {
			plain.Close()
			return exitUsage, usagef("listen %s: %v", sf.tlsListen, err)
		}
		gs := server.GateTimeouts(sf.limits.Timeout).Server(srv.GateHandler())
		gs.TLSConfig = tlsCfg
		servers = append(servers, gs)
		listeners = append(listeners, tls.NewListener(tl, tlsCfg))
		fmt.Fprintf(stdout, "serving /v1/gate, the Cluster API hook and the admission webhook on https://%s\n", tl.Addr())
		if sf.hookListen != "" {
			hl, err := net.Listen("tcp", sf.hookListen)
			if err != nil {
				for _, l := range listeners {
					l.Close()
				}
				return exitUsage, usagef("listen %s: %v", sf.hookListen, err)
			}
			// The same serving certificate (reloaded alike), no client certificate asked.
			hookCfg := tlsCfg.Clone()
			hookCfg.ClientAuth, hookCfg.ClientCAs, hookCfg.GetConfigForClient = tls.NoClientCert, nil, nil
			hs := server.GateTimeouts(sf.limits.Timeout).Server(srv.HookHandler())
			hs.TLSConfig = hookCfg
			servers = append(servers, hs)
			listeners = append(listeners, tls.NewListener(hl, hookCfg))
			fmt.Fprintf(stdout, "serving the Cluster API hook without caller authentication on https://%s\n", hl.Addr())
		}
	} else if sf.hookListen != "" {
		plain.Close()
		return exitUsage, usagef("--hook-listen needs --tls-cert and --tls-key: Cluster API calls runtime extensions over TLS")
	}
	errc := make(chan error, len(servers))
	for i, s := range servers {
		go func() { errc <- s.Serve(listeners[i]) }()
	}
	loopDone := make(chan struct{})
	go func() { srv.Run(ctx); close(loopDone) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Error("server stopped", "err", err)
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.Shutdown(shutdown)
	}
	<-loopDone
	log.Info("shut down")
	return exitOK, nil
}
