package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

func newGateCmd(c *cli) *cobra.Command {
	var (
		src         = sourceFlags{stderr: c.stderr}
		rf          ruleFlags
		profileFile string
		output      string
		explain     bool
		catalog     catalogFlag
	)
	cmd := &cobra.Command{
		Use:   "gate --profile FILE | --catalog DIR --profile NAME[@VERSION]",
		Short: "Decide per cluster whether a ClusterProfile upgrade may proceed (exit 1 if any is denied)",
		Example: `  fleetaudit gate --profile examples/profiles/platform-1.34.yaml --demo
  fleetaudit gate --profile platform-1.35.yaml --context prod-eu -o json > gate.json
  fleetaudit gate --profile platform-1.35.yaml --explain
  fleetaudit gate --catalog examples/profiles --profile platform-standard@3.3.0 --demo`,
		Args: cobra.NoArgs,
	}
	src.register(cmd)
	rf.register(cmd)
	rf.registerWaivers(cmd)
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringVar(&profileFile, "profile", "", "ClusterProfile file, or with --catalog a profile NAME[@VERSION] of the catalog (required)")
		fs.BoolVar(&explain, "explain", false, "list every rule evaluated and its outcome")
	})
	_ = cmd.MarkFlagFilename("profile", "yaml", "yml")
	catalog.register(cmd)
	registerOutput(cmd, &output, documentFormats)
	cmd.RunE = c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
		p, err := gateProfile(profileFile, catalog)
		if err != nil {
			return exitUsage, err
		}
		return gate(cmd.Context(), &src, &rf, p, output, explain, c.stdout)
	})
	return cmd
}

// gateProfile is the profile to gate with: --profile FILE, or --profile NAME[@VERSION]
// resolved in --catalog DIR (the newest version when none is named).
func gateProfile(ref string, catalog catalogFlag) (*profile.Profile, error) {
	if ref == "" {
		return nil, usagef("--profile is required: a ClusterProfile file, or with --catalog DIR a profile NAME[@VERSION]")
	}
	if catalog.path != "" {
		cat, err := catalog.load("")
		if err != nil {
			return nil, err
		}
		p, err := cat.Resolve(ref)
		if err != nil {
			return nil, usageError{err}
		}
		return p, nil
	}
	if fi, err := os.Stat(ref); err == nil && fi.IsDir() {
		return nil, usagef("--profile %s is a folder: a catalog; name the profile with --catalog %s --profile NAME[@VERSION]", ref, ref)
	}
	p, err := profile.Load(ref)
	if err != nil {
		return nil, usageError{err}
	}
	return p, nil
}

func gate(ctx context.Context, src *sourceFlags, rf *ruleFlags, p *profile.Profile, output string, explain bool, stdout io.Writer) (int, error) {
	engine, jobs, opts, err := prepare(ctx, src, rf)
	if err != nil {
		return exitUsage, err
	}
	names := make([]string, len(jobs))
	byName := map[string]fleet.Job{}
	for i, j := range jobs {
		names[i], byName[j.Name] = j.Name, j
	}
	run, targetedNames := policy.NewGateRun(p, names, explain)
	targeted := make([]fleet.Job, len(targetedNames))
	for i, n := range targetedNames {
		targeted[i] = byName[n]
	}
	now := time.Now()
	fleet.Each(ctx, targeted, opts, func(i int, c *facts.Cluster) {
		run.Add(fleet.Gate(ctx, engine, opts, targeted[i].Name, c, p, now))
	})
	res := run.Finish()
	if output == "table" {
		writeGateTable(stdout, res)
	} else if err := writeDocument(stdout, output, indentedJSON(res)); err != nil {
		return exitUsage, fmt.Errorf("write output: %w", err)
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
		for _, o := range d.Overrides {
			fmt.Fprintf(w, "  override: %s\n", o)
		}
		for _, r := range d.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", r)
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
