package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/reports"
)

// reportFlags choose the report formats and the history's retention.
type reportFlags struct {
	formats []string
	keep    int
	keepFor time.Duration
}

func (r *reportFlags) register(fs *pflag.FlagSet, prefix string) {
	enumListVar(fs, &r.formats, prefix+"format", reports.DefaultReportFormats, reportFormatValues(), "report formats")
	fs.Var(intFlag(&r.keep, 0, atLeast(0)), prefix+"keep", "keep at most this many reports in the history (0: all)")
	fs.Var(durationFlag(&r.keepFor, 0, atLeast[time.Duration](0)), prefix+"keep-for", "delete reports older than this (0: never)")
}

// list is the formats to write, each once, in the order given.
func (r *reportFlags) list() ([]string, error) {
	var out []string
	for _, f := range r.formats {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, usagef("--format names no format")
	}
	return out, nil
}

func newReportCmd(c *cli) *cobra.Command {
	var (
		src         = sourceFlags{stderr: c.stderr, stdin: c.stdin}
		rf          ruleFlags
		bf          boundFlags
		bl          baselineFlags
		rep         reportFlags
		nf          = notifyFlags{stderr: c.stderr}
		out         outputDir
		shf         shardFlags
		parts       partsFlags
		from        []string
		profileFile string
	)
	cmd := &cobra.Command{
		Use:   "report --output-dir DIR",
		Short: "Write a fleet report (HTML, Markdown, JSON, JUnit, CSV, PolicyReport) into a history folder",
		Long: `Audit the fleet and write a report into a dated folder of the history in --output-dir,
with an index.html of all runs. -n NAMESPACE keeps only the findings in that namespace.
--from PART.json... writes the report of shard parts (audit --shard I/N -o json) merged, as
fleetaudit merge does, instead of auditing.`,
		Example: `  fleetaudit report --output-dir reports/ --demo
  fleetaudit report --output-dir reports/ --profile platform-1.35.yaml --format html,junit
  fleetaudit report --output-dir reports/ --keep 30 --keep-for 720h
  fleetaudit report --output-dir reports/ --baseline accepted/report.json
  fleetaudit report --output-dir reports/ --from part-0.json --from part-1.json`,
		Args: cobra.NoArgs,
	}
	src.register(cmd)
	src.registerManifests(cmd)
	shf.register(cmd)
	parts.register(cmd)
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.StringArrayVar(&from, "from", nil, "write the report of these shard parts merged (JSON of audit --shard I/N -o json; repeatable) instead of auditing")
	})
	_ = cmd.MarkFlagFilename("from", "json")
	rf.register(cmd)
	rf.registerWaivers(cmd)
	bf.register(cmd)
	bl.register(cmd, false)
	nf.register(cmd)
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringVar(&profileFile, "profile", "", "ClusterProfile: add the gate's upgrade decisions to the report")
	})
	_ = cmd.MarkFlagFilename("profile", "yaml", "yml")
	out.register(cmd, "report folder: each run goes into a dated folder, with an index.html of all runs")
	addFlags(cmd, groupOutput, func(fs *pflag.FlagSet) {
		rep.register(fs, "")
	})
	src.kube.registerNamespace(cmd, groupOutput, "report only the findings about objects in this namespace")
	cmd.RunE = c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
		dir, err := out.resolve(cmd, c.stderr)
		if err != nil {
			return exitUsage, err
		}
		if len(from) > 0 {
			return reportFrom(cmd, from, rep, dir, c.stdout)
		}
		shard, err := shf.resolve()
		if err != nil {
			return exitUsage, err
		}
		if err := parts.check(shard); err != nil {
			return exitUsage, err
		}
		if parts.dir != "" && shard.Index == 0 {
			if code, ok := parts.mergedBefore(); ok { // a retried pod 0 of a run already merged
				fmt.Fprintf(c.stdout, "the parts in %s were merged already (exit %d)\n", parts.dir, code)
				return code, nil
			}
		}
		return report(cmd.Context(), &src, &rf, &bf, &bl, &nf, rep, dir, profileFile, shard, parts, c.stdout)
	})
	return cmd
}

func report(ctx context.Context, src *sourceFlags, rf *ruleFlags, bf *boundFlags, bl *baselineFlags, nf *notifyFlags, rep reportFlags, out, profileFile string, shard fleet.Shard, parts partsFlags, stdout io.Writer) (int, error) {
	formats, err := rep.list()
	if err != nil {
		return exitUsage, err
	}
	base, _, err := bl.load()
	if err != nil {
		return exitUsage, err
	}
	if err := nf.load(); err != nil {
		return exitUsage, err
	}
	var p *profile.Profile
	if profileFile != "" {
		if p, err = profile.Load(profileFile); err != nil {
			return exitUsage, usageError{err}
		}
	}
	engine, jobs, opts, err := prepare(ctx, src, rf)
	if err != nil {
		return exitUsage, err
	}
	jobs = filterJobs(jobs, shard)
	if err = bf.apply(src.demo, &opts); err != nil {
		return exitUsage, err
	}
	now := time.Now()
	builder := reports.NewBuilder()
	var mu sync.Mutex
	costs := map[string]*reports.CostSummary{}
	var decisions []policy.Decision
	audit, err := fleet.Run(ctx, jobs, engine, opts, func(c *facts.Cluster) error {
		cs := builder.Keep(c)
		var d *policy.Decision
		if p != nil && p.Targets(c.Name) {
			dec := fleet.Gate(ctx, engine, opts, c.Name, c, p, now)
			d = &dec
		}
		mu.Lock()
		defer mu.Unlock()
		if cs != nil {
			costs[c.Name] = cs
		}
		if d != nil {
			decisions = append(decisions, *d)
		}
		return nil
	})
	if err != nil {
		return exitUsage, err
	}
	profileID := ""
	if p != nil {
		profileID = p.ID()
	}
	audit = filterNamespace(audit, src.kube.namespace)
	r := reports.Build(audit, engine.Rules(), costs, decisions, profileID, now)
	r.NextExpiring = expiringInNamespace(builder.NextExpiring(), src.kube.namespace)
	r.Shards = reports.ShardsOf(shard)
	if base != nil {
		r.CompareBaseline(filterReportNamespace(base, src.kube.namespace), bl.file)
	}
	if parts.dir != "" { // one pod of an Indexed Job: write the part; pod 0 merges them all
		return parts.writeAndMerge(ctx, r, shard, rep, formats, out, stdout)
	}
	dir, err := reports.History{Dir: out, Keep: rep.keep, KeepFor: rep.keepFor}.Write(r, formats)
	if err != nil {
		return exitUsage, fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s report to %s (index: %s/index.html)\n", strings.Join(formats, ", "), dir, out)
	nf.sendAndWarn(ctx, r)
	if audit.Incomplete() {
		return exitIncomplete, nil
	}
	return exitOK, nil
}
