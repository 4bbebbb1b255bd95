package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

func runGate(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("gate", stderr)
	src := sourceFlags{stderr: stderr}
	var rf ruleFlags
	src.register(fs)
	rf.register(fs)
	profileFile := fs.String("profile", "", "ClusterProfile file (required)")
	output := fs.String("o", "table", "output format: table or json")
	explain := fs.Bool("explain", false, "list every rule evaluated and its outcome")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	if *profileFile == "" {
		return exitUsage, usagef("--profile FILE is required")
	}
	if err := oneOf("-o", *output, "table", "json"); err != nil {
		return exitUsage, err
	}
	p, err := profile.Load(*profileFile)
	if err != nil {
		return exitUsage, usageError{err}
	}
	engine, jobs, opts, err := prepare(ctx, &src, &rf)
	if err != nil {
		return exitUsage, err
	}
	names := make([]string, len(jobs))
	byName := map[string]fleet.Job{}
	for i, j := range jobs {
		names[i], byName[j.Name] = j.Name, j
	}
	run, targetedNames := policy.NewGateRun(p, names, *explain)
	targeted := make([]fleet.Job, len(targetedNames))
	for i, n := range targetedNames {
		targeted[i] = byName[n]
	}
	now := time.Now()
	fleet.Each(ctx, targeted, opts, func(i int, c *facts.Cluster) {
		run.Add(engine.Gate(ctx, targeted[i].Name, c, p, now))
	})
	res := run.Finish()
	if *output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return exitUsage, err
		}
	} else {
		writeGateTable(stdout, res)
	}
	if len(res.Decisions) == 0 {
		return exitUsage, usagef("profile %s targets none of the %d clusters (selector %v)", p.ID(), len(jobs), p.Spec.Selector.Clusters)
	}
	if !res.Allowed {
		return exitFindings, nil
	}
	return exitOK, nil
}

func writeGateTable(w io.Writer, res policy.GateReport) {
	fmt.Fprintf(w, "PROFILE %s -> Kubernetes %s\n", res.Profile, res.Target)
	for _, d := range res.Decisions {
		verdict := "ALLOW"
		if !d.Allowed {
			verdict = "DENY"
		}
		fmt.Fprintf(w, "\n%s  %s\n", verdict, d.Cluster)
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "  - %s\n", r)
		}
		for _, o := range d.Explain {
			mark := " "
			if o.Blocking {
				mark = "*"
			}
			fmt.Fprintf(w, "  %s %-11s %-4s %s (%d findings)\n", mark, o.ID, o.Result, o.Title, o.Findings)
		}
	}
	if len(res.NotTargeted) > 0 {
		fmt.Fprintf(w, "\nnot targeted: %v\n", res.NotTargeted)
	}
}
