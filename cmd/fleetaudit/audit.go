package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
	"github.com/fleetaudit/fleetaudit/rules"
)

// ruleFlags choose the rules and their parameters.
type ruleFlags struct {
	dirs   stringList
	params string
}

func (r *ruleFlags) register(fs *flag.FlagSet) {
	fs.Var(&r.dirs, "rules", "folder of extra Rego rules (repeatable)")
	fs.StringVar(&r.params, "params", "", "YAML/JSON file merged over the default rule parameters (data.fleetaudit.params)")
}

func (r *ruleFlags) engine(ctx context.Context, removed []rules.RemovedAPI) (*policy.Engine, error) {
	opts := policy.Options{Dirs: r.dirs, RemovedAPIs: removed}
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
	jobs, opts, err := src.jobs()
	return engine, jobs, opts, err
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("audit", stderr)
	src := sourceFlags{stderr: stderr}
	var rf ruleFlags
	src.register(fs)
	rf.register(fs)
	output := fs.String("o", "table", "output format: "+strings.Join(reports.FormatNames(false), ", "))
	failOn := fs.String("fail-on", "none", "exit 1 when a finding is at or above this severity (info, low, medium, high, critical, none)")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	if err := oneOf("-o", *output, reports.FormatNames(false)...); err != nil {
		return exitUsage, err
	}
	var threshold policy.Severity
	if *failOn != "none" {
		s, err := policy.ParseSeverity(*failOn)
		if err != nil {
			return exitUsage, usagef("--fail-on: %v", err)
		}
		threshold = s
	}
	engine, jobs, opts, err := prepare(ctx, &src, &rf)
	if err != nil {
		return exitUsage, err
	}
	audit, err := fleet.Run(ctx, jobs, engine, opts, nil)
	if err != nil {
		return exitUsage, err
	}
	r := reports.Build(audit, engine.Rules(), nil, nil, "", audit.GeneratedAt)
	if err := reports.Write(stdout, r, *output); err != nil {
		return exitUsage, fmt.Errorf("write output: %w", err)
	}
	return auditExitCode(audit, threshold), nil
}

// auditExitCode: an incomplete audit (3) outranks findings (1), because a cluster that was
// not audited may hide findings.
func auditExitCode(a *fleet.Audit, failOn policy.Severity) int {
	switch {
	case a.Incomplete():
		return exitIncomplete
	case failOn != "" && a.WorstSeverity().AtLeast(failOn):
		return exitFindings
	}
	return exitOK
}
