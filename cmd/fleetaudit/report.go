package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/reports"
)

// reportFlags choose the report formats and the history's retention.
type reportFlags struct {
	formats string
	keep    int
	keepFor time.Duration
}

func (r *reportFlags) register(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&r.formats, prefix+"format", strings.Join(reports.DefaultReportFormats, ","), "report formats: "+strings.Join(reports.FormatNames(true), ", "))
	fs.IntVar(&r.keep, prefix+"keep", 0, "keep at most this many reports in the history (0: all)")
	fs.DurationVar(&r.keepFor, prefix+"keep-for", 0, "delete reports older than this (0: never)")
}

func (r *reportFlags) list() ([]string, error) {
	var out []string
	for _, f := range strings.Split(r.formats, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if err := oneOf("--format", f, reports.FormatNames(true)...); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, usagef("--format names no format")
	}
	if r.keep < 0 || r.keepFor < 0 {
		return nil, usagef("--keep and --keep-for must not be negative")
	}
	return out, nil
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("report", stderr)
	src := sourceFlags{stderr: stderr}
	var rf ruleFlags
	var rep reportFlags
	src.register(fs)
	rf.register(fs)
	rep.register(fs, "")
	out := fs.String("o", "", "report folder: each run goes into a dated folder, with an index.html of all runs")
	profileFile := fs.String("profile", "", "ClusterProfile: add the gate's upgrade decisions to the report")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	if *out == "" {
		return exitUsage, usagef("-o DIR is required")
	}
	formats, err := rep.list()
	if err != nil {
		return exitUsage, err
	}
	var p *profile.Profile
	if *profileFile != "" {
		if p, err = profile.Load(*profileFile); err != nil {
			return exitUsage, usageError{err}
		}
	}
	engine, jobs, opts, err := prepare(ctx, &src, &rf)
	if err != nil {
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
			dec := engine.Gate(ctx, c.Name, c, p, now)
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
	r := reports.Build(audit, engine.Rules(), costs, decisions, profileID, now)
	dir, err := reports.History{Dir: *out, Keep: rep.keep, KeepFor: rep.keepFor}.Write(r, formats)
	if err != nil {
		return exitUsage, fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s report to %s (index: %s/index.html)\n", strings.Join(formats, ", "), dir, *out)
	if audit.Incomplete() {
		return exitIncomplete, nil
	}
	return exitOK, nil
}
