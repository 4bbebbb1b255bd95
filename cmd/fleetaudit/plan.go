package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/profilecheck"
	"github.com/fleetaudit/fleetaudit/internal/rollout"
)

func newPlanCmd(c *cli) *cobra.Command {
	var (
		src    = sourceFlags{stderr: c.stderr}
		rf     ruleFlags
		bf     boundFlags // --catalog, --bindings: the same flags audit and report take
		charts chartsFlag
		output string
	)
	cmd := &cobra.Command{
		Use:   "plan NAME[@VERSION] --catalog DIR",
		Short: "Plan a rollout of a profile version: per cluster the catalog versions to pass through, in waves, and whether the first step may go now",
		Long: `Plan the move of the fleet to a profile version of the catalog. Each cluster gets the
sequence of catalog versions its control plane passes through, one Kubernetes minor at a time
(v1.32 -> v1.33 -> v1.34 -> v1.35), and the gate's answer for the first step, with reasons.
Clusters are ordered by the wave of their binding (staging before production), then name.

With --bindings, the clusters bound to the profile are planned (with their overrides); without,
the clusters the target version's selector targets. Exit 1 when any cluster cannot take its
first step now.

With --charts, the target and every version on the way are checked against themselves first
(profile check: each layer's chart rendered for the version's Kubernetes and audited); a
version that fails is shown as not rollable, and no cluster may take it as its first step.`,
		Example: `  fleetaudit plan platform-standard@3.3.0 --catalog examples/profiles --demo
  fleetaudit plan platform-standard --catalog profiles/ --bindings bindings.yaml -o json`,
		Args: cobra.ExactArgs(1),
	}
	src.register(cmd)
	rf.register(cmd)
	bf.register(cmd)
	charts.register(cmd, "check the target and every version on the way with profile check, finding layer charts in this folder (repeatable)")
	registerOutput(cmd, &output, documentFormats)
	cmd.RunE = c.runE(func(cmd *cobra.Command, args []string) (int, error) {
		return plan(cmd.Context(), &src, &rf, bf.catalog, bf.bindings, charts.dirs, args[0], output, c.stdout)
	})
	return cmd
}

func plan(ctx context.Context, src *sourceFlags, rf *ruleFlags, catalog catalogFlag, bindingsFile string, charts []string, ref, output string, stdout io.Writer) (int, error) {
	cat, err := catalog.load("")
	if err != nil {
		return exitUsage, err
	}
	target, err := cat.Resolve(ref)
	if err != nil {
		return exitUsage, usageError{err}
	}
	var bs *binding.Bindings
	if bindingsFile != "" {
		if bs, err = binding.Load(bindingsFile); err != nil {
			return exitUsage, usageError{err}
		}
	}
	engine, jobs, opts, err := prepare(ctx, src, rf)
	if err != nil {
		return exitUsage, err
	}
	// The clusters to plan and how: bound to the profile (with wave and overrides), or
	// targeted by the version's selector.
	type planned struct {
		job   fleet.Job
		bound binding.Bound
	}
	var todo []planned
	for _, j := range jobs {
		if bs == nil {
			if target.Targets(j.Name) {
				todo = append(todo, planned{job: j})
			}
			continue
		}
		b, err := bs.ProfileFor(j.Name)
		if err != nil {
			continue // bound to no profile, or conflicting: not this plan's cluster
		}
		if name, _, _ := strings.Cut(b.Profile, "@"); name == target.Metadata.Name {
			todo = append(todo, planned{job: j, bound: b})
		}
	}
	if len(todo) == 0 {
		return exitUsage, usagef("no cluster of the fleet is bound to or targeted by %s", target.ID())
	}
	out := rollout.Plan{Target: target.ID(), Clusters: []rollout.ClusterPlan{}}
	var checks *profilecheck.Cache
	if len(charts) > 0 {
		checks = profilecheck.NewCache(engine, profilecheck.Options{Charts: charts, Fleet: fleet.Options{Waivers: opts.Waivers}})
	}
	var mu sync.Mutex
	now := time.Now()
	targeted := make([]fleet.Job, len(todo))
	for i := range todo {
		targeted[i] = todo[i].job
	}
	fleet.Each(ctx, targeted, opts, func(i int, c *facts.Cluster) {
		t := todo[i]
		rc := rollout.Cluster{Name: t.job.Name, Wave: t.bound.Wave}
		if c != nil && c.Status() != facts.StatusFailed {
			rc.Version = c.Version
		}
		cp := rollout.Make(cat, target, []rollout.Cluster{rc}).Clusters[0]
		if len(cp.Steps) > 0 {
			step, lines := binding.Apply(cat.Get(cp.Steps[0].Profile), t.bound.Overrides)
			d := engine.Gate(ctx, t.job.Name, c, step, now)
			d.Overrides, d.Explain = lines, nil
			if checks != nil {
				if res, err := checks.Get(ctx, cat.Get(cp.Steps[0].Profile)); err != nil || !res.Passed {
					d.Allowed = false
					d.Reasons = append(d.Reasons, notRollable(cp.Steps[0].Profile, res, err))
				}
			}
			cp.Decision = &d
		}
		mu.Lock()
		out.Clusters = append(out.Clusters, cp)
		mu.Unlock()
	})
	out.Sort()
	if checks != nil {
		seen := map[string]bool{}
		ids := []string{target.ID()}
		for _, c := range out.Clusters {
			for _, s := range c.Steps {
				ids = append(ids, s.Profile)
			}
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			res, err := checks.Get(ctx, cat.Get(id))
			pc := rollout.ProfileCheck{Profile: id, Rollable: err == nil && res.Passed}
			if !pc.Rollable {
				pc.Reasons = []string{notRollable(id, res, err)}
			}
			out.Checks = append(out.Checks, pc)
		}
	}
	if output == "table" {
		writePlanTable(stdout, target, out)
	} else if err := writeDocument(stdout, output, indentedJSON(out)); err != nil {
		return exitUsage, fmt.Errorf("write output: %w", err)
	}
	for _, c := range out.Clusters {
		if c.Problem != "" || (c.Decision != nil && !c.Decision.Allowed) {
			return exitFindings, nil
		}
	}
	for _, c := range out.Checks {
		if !c.Rollable {
			return exitFindings, nil
		}
	}
	return exitOK, nil
}

// notRollable is the reason a profile version may not be rolled out: its own check failed.
func notRollable(id string, res *profilecheck.Result, err error) string {
	if err != nil {
		return fmt.Sprintf("profile %s could not be checked: %v", id, err)
	}
	return fmt.Sprintf("profile %s fails its own check (fleetaudit profile check): %s", id, res.Summary())
}

func writePlanTable(w io.Writer, target *profile.Profile, p rollout.Plan) {
	fmt.Fprintf(w, "PLAN %s (Kubernetes %s)\n", p.Target, target.Spec.KubernetesVersion)
	for _, c := range p.Checks {
		if c.Rollable {
			fmt.Fprintf(w, "  %s passes its own check\n", c.Profile)
			continue
		}
		fmt.Fprintf(w, "  %s is NOT ROLLABLE: %s\n", c.Profile, strings.Join(c.Reasons, "; "))
	}
	for _, c := range p.Clusters {
		fmt.Fprintf(w, "\nWAVE %d  %s  %s\n", c.Wave, c.Cluster, c.From)
		switch {
		case c.Problem != "":
			fmt.Fprintf(w, "  cannot be planned: %s\n", c.Problem)
			continue
		case len(c.Steps) == 0:
			fmt.Fprintf(w, "  already at %s\n", target.Spec.KubernetesVersion)
			continue
		}
		fmt.Fprint(w, "  steps:")
		for i, s := range c.Steps {
			if i > 0 {
				fmt.Fprint(w, " ->")
			}
			fmt.Fprintf(w, " %s (%s)", s.Profile, s.KubernetesVersion)
		}
		fmt.Fprintln(w)
		if d := c.Decision; d != nil {
			verdict := "ALLOW"
			if !d.Allowed {
				verdict = "DENY"
			}
			fmt.Fprintf(w, "  first step now: %s\n", verdict)
			for _, r := range d.Reasons {
				fmt.Fprintf(w, "    - %s\n", r)
			}
			for _, o := range d.Overrides {
				fmt.Fprintf(w, "    override: %s\n", o)
			}
			for _, r := range d.Warnings {
				fmt.Fprintf(w, "    warning: %s\n", r)
			}
		}
	}
}
