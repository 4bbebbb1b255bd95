package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
	"github.com/fleetaudit/fleetaudit/reports"
	"github.com/fleetaudit/fleetaudit/rules"
)

// ruleFlags choose the rules, their parameters and the limits of their evaluation, and the
// waivers applied to their findings.
type ruleFlags struct {
	dirs        []string
	params      string
	evalTimeout time.Duration
	maxFindings int
	waivers     string
}

// register adds the rule flags of a command that evaluates rules.
func (r *ruleFlags) register(cmd *cobra.Command) {
	r.registerFiles(cmd)
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.Var(durationFlag(&r.evalTimeout, policy.DefaultEvalTimeout, above[time.Duration](0)), "eval-timeout",
			"time limit for evaluating the rules on one cluster; a rule still running then is an error of that cluster")
		fs.Var(intFlag(&r.maxFindings, policy.DefaultMaxFindingsPerRule, atLeast(1)), "max-findings-per-rule",
			"findings a rule keeps per cluster; one more finding says how many were dropped")
	})
}

// registerFiles adds only --rules and --params (rules list, which evaluates nothing).
func (r *ruleFlags) registerFiles(cmd *cobra.Command) {
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringArrayVar(&r.dirs, "rules", nil, "folder of extra Rego rules (repeatable)")
		fs.StringVar(&r.params, "params", "", "YAML/JSON file merged over the default rule parameters (data.fleetaudit.params)")
	})
	_ = cmd.MarkFlagDirname("rules")
	_ = cmd.MarkFlagFilename("params", "yaml", "yml", "json")
}

// registerWaivers adds --waivers (audit, report, gate, serve: the commands whose findings
// count toward something a waiver can take them out of).
func (r *ruleFlags) registerWaivers(cmd *cobra.Command) {
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringVar(&r.waivers, "waivers", "", "WaiverList file of accepted risks: waived findings stay in the output, marked, and leave --fail-on, scores and gate blocks (never the non-waivable checks)")
	})
	_ = cmd.MarkFlagFilename("waivers", "yaml", "yml")
}

// loadWaivers reads --waivers, checking its rule IDs against the engine's rules.
func (r *ruleFlags) loadWaivers(e *policy.Engine) (*waiver.Set, error) {
	if r.waivers == "" {
		return nil, nil
	}
	ids := make([]string, 0, len(e.Rules()))
	for _, ru := range e.Rules() {
		ids = append(ids, ru.ID)
	}
	set, err := waiver.Load(r.waivers, ids)
	if err != nil {
		return nil, usageError{err}
	}
	return set, nil
}

func (r *ruleFlags) engine(ctx context.Context, removed []rules.RemovedAPI) (*policy.Engine, error) {
	opts := policy.Options{Dirs: r.dirs, RemovedAPIs: removed, EvalTimeout: r.evalTimeout, MaxFindingsPerRule: r.maxFindings}
	if r.params != "" {
		p, err := policy.LoadParams(r.params)
		if err != nil {
			return nil, usageError{err}
		}
		opts.Params = p
	}
	e, err := policy.New(ctx, opts)
	if err != nil {
		return nil, usageError{err}
	}
	return e, nil
}

// prepare compiles the rules and resolves the fleet from the flags audit, gate, report and
// serve share. Its errors are usage errors (exit 2).
func prepare(ctx context.Context, src *sourceFlags, rf *ruleFlags) (*policy.Engine, []fleet.Job, fleet.Options, error) {
	removed, err := src.removedAPITable()
	if err != nil {
		return nil, nil, fleet.Options{}, err
	}
	engine, err := rf.engine(ctx, removed)
	if err != nil {
		return nil, nil, fleet.Options{}, err
	}
	waivers, err := rf.loadWaivers(engine)
	if err != nil {
		return nil, nil, fleet.Options{}, err
	}
	jobs, opts, err := src.jobs()
	opts.Waivers = waivers
	return engine, jobs, opts, err
}

func newAuditCmd(c *cli) *cobra.Command {
	var (
		src    = sourceFlags{stderr: c.stderr, stdin: c.stdin}
		rf     ruleFlags
		bf     boundFlags
		bl     baselineFlags
		nf     = notifyFlags{stderr: c.stderr}
		shf    shardFlags
		output string
		failOn string
	)
	cmd := &cobra.Command{
		Use:   "audit [FILE...]",
		Short: "Audit the fleet (kubeconfig contexts, a snapshot, --demo, or --manifests files) and print findings",
		Long: `Audit every cluster of the fleet in parallel and print the findings per cluster.

The fleet is every context of the kubeconfig (or those given with --context), a snapshot
folder (--snapshot), the embedded demo fleet (--demo), or Kubernetes manifests
(--manifests PATH, --helm-chart DIR, --kustomize DIR: each one virtual cluster; see
docs/manifests.md; FILE arguments are short for --manifests FILE). -n NAMESPACE shows only the
findings about objects in that namespace; --fail-on then judges the findings shown.
--baseline FILE marks each finding new or unchanged against an earlier report, and
--fail-on-new fails only on new ones.`,
		Example: `  fleetaudit audit --demo
  fleetaudit audit --context prod --context staging
  fleetaudit audit --context prod,staging -o json --fail-on high
  fleetaudit audit --snapshot facts/ -n payments -o yaml
  fleetaudit audit --rules my-rules/ --params my-params.yaml
  fleetaudit audit --demo --waivers examples/waivers.yaml --fail-on high
  fleetaudit audit --baseline last-week.json --fail-on-new high
  fleetaudit audit --cis job --request-timeout 20s
  fleetaudit audit --manifests deploy/ --kube-version v1.33.0 --fail-on high
  kustomize build overlays/prod | fleetaudit audit --manifests - -o sarif
  fleetaudit audit --helm-chart deploy/chart --values prod.yaml --kube-version v1.35.0
  fleetaudit audit --kustomize overlays/prod --fail-on high -o sarif
  fleetaudit audit app.yaml rbac.yaml --fail-on high`,
		Args: cobra.ArbitraryArgs,
	}
	src.register(cmd)
	src.registerManifests(cmd)
	shf.register(cmd)
	rf.register(cmd)
	rf.registerWaivers(cmd)
	bf.register(cmd)
	bl.register(cmd, true)
	nf.register(cmd)
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		enumVarP(fs, &failOn, "fail-on", "", "none", failOnValues(), "exit 1 when a finding (not waived) is at or above this severity")
	})
	registerOutput(cmd, &output, reports.FormatNames(false))
	src.kube.registerNamespace(cmd, groupOutput, "show only the findings about objects in this namespace")
	cmd.RunE = c.runE(func(cmd *cobra.Command, args []string) (int, error) {
		for _, a := range args { // audit FILE... (a pre-commit hook's file list)
			if _, err := os.Stat(a); err != nil {
				return exitUsage, usagef("audit %s: no file or folder %q (arguments are manifests to audit, as with --manifests; audit takes no subcommand)", a, a)
			}
		}
		src.manifests = append(src.manifests, args...)
		var threshold policy.Severity
		if failOn != "none" {
			s, err := policy.ParseSeverity(failOn)
			if err != nil {
				return exitUsage, usagef("--fail-on: %v", err)
			}
			threshold = s
		}
		base, failOnNew, err := bl.load()
		if err != nil {
			return exitUsage, err
		}
		if err := nf.load(); err != nil {
			return exitUsage, err
		}
		shard, err := shf.resolve()
		if err != nil {
			return exitUsage, err
		}
		ctx := cmd.Context()
		engine, jobs, opts, err := prepare(ctx, &src, &rf)
		if err != nil {
			return exitUsage, err
		}
		jobs = filterJobs(jobs, shard)
		if err = bf.apply(src.demo, &opts); err != nil {
			return exitUsage, err
		}
		builder := reports.NewBuilder() // the next-expiring certificates; costs are the report command's
		audit, err := fleet.Run(ctx, jobs, engine, opts, func(c *facts.Cluster) error { builder.Keep(c); return nil })
		if err != nil {
			return exitUsage, err
		}
		audit = filterNamespace(audit, src.kube.namespace)
		r := reports.Build(audit, engine.Rules(), nil, nil, "", audit.GeneratedAt)
		r.NextExpiring = expiringInNamespace(builder.NextExpiring(), src.kube.namespace)
		r.Shards = reports.ShardsOf(shard)
		if base != nil {
			r.CompareBaseline(filterReportNamespace(base, src.kube.namespace), bl.file)
		}
		if err := reports.Write(c.stdout, r, output); err != nil {
			return exitUsage, fmt.Errorf("write output: %w", err)
		}
		nf.sendAndWarn(ctx, r)
		return auditExitCode(audit, r, threshold, failOnNew), nil
	})
	return cmd
}

// auditExitCode: an incomplete audit (3) outranks findings (1), because a cluster that was
// not audited may hide findings. --fail-on judges every open finding, --fail-on-new only
// those the baseline did not have.
func auditExitCode(a *fleet.Audit, r *reports.Report, failOn, failOnNew policy.Severity) int {
	switch {
	case a.Incomplete():
		return exitIncomplete
	case failOn != "" && a.WorstSeverity().AtLeast(failOn):
		return exitFindings
	case failOnNew != "" && r.NewAtLeast(failOnNew):
		return exitFindings
	}
	return exitOK
}
