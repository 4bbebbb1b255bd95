package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profilecheck"
	"github.com/fleetaudit/fleetaudit/reports"
)

// chartsFlag is --charts DIR (repeatable): where profile check and plan find layer charts.
type chartsFlag struct{ dirs []string }

func (f *chartsFlag) register(cmd *cobra.Command, usage string) {
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.StringArrayVar(&f.dirs, "charts", nil, usage)
	})
	_ = cmd.MarkFlagDirname("charts")
}

func newProfileCheckCmd(c *cli) *cobra.Command {
	var (
		cf     catalogFlag
		charts chartsFlag
		rf     ruleFlags
		output string
		failOn string
	)
	cmd := &cobra.Command{
		Use:   "check NAME[@VERSION] --catalog DIR --charts DIR",
		Short: "Check a profile version against itself: render every layer for its Kubernetes version and audit it",
		Long: `Check a profile version before it rolls out. Every layer's chart is looked up in the
--charts folders (NAME-VERSION.tgz as helm pull writes it and as Helm's repository cache holds
it, or an unpacked NAME-VERSION/, NAME/VERSION/ or NAME/ whose Chart.yaml has that version; no
network is used), rendered with its default values for the profile's own kubernetesVersion,
and audited with the same rules as live clusters: removed and deprecated APIs, workload
posture, RBAC. The layers' Kubernetes ranges are checked against the profile's version,
against each other, and against each chart's own kubeVersion.

Exit 0 when the profile passes, 1 when it fails (a problem, or an open finding at or above
--fail-on), 2 on bad input. plan --charts shows a profile that fails as not rollable.`,
		Example: `  fleetaudit profile check platform-standard@3.3.0 --catalog profiles/ --charts charts/
  fleetaudit profile check platform-standard --charts ~/.cache/helm/repository -o json`,
		Args: cobra.ExactArgs(1),
	}
	cf.register(cmd)
	charts.register(cmd, "folder holding layer charts (repeatable): NAME-VERSION.tgz, NAME-VERSION/, NAME/VERSION/ or NAME/")
	rf.register(cmd)
	rf.registerWaivers(cmd)
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		enumVarP(fs, &failOn, "fail-on", "", string(profilecheck.DefaultFailOn), severityValues(), "open findings at or above this severity fail the check")
	})
	registerOutput(cmd, &output, documentFormats)
	cmd.RunE = c.runE(func(cmd *cobra.Command, args []string) (int, error) {
		ctx := cmd.Context()
		cat, err := cf.load("")
		if err != nil {
			return exitUsage, err
		}
		p, err := cat.Resolve(args[0])
		if err != nil {
			return exitUsage, usageError{err}
		}
		sev, err := policy.ParseSeverity(failOn)
		if err != nil {
			return exitUsage, usagef("--fail-on: %v", err)
		}
		engine, err := rf.engine(ctx, nil)
		if err != nil {
			return exitUsage, err
		}
		waivers, err := rf.loadWaivers(engine)
		if err != nil {
			return exitUsage, err
		}
		o := profilecheck.Options{Charts: charts.dirs, FailOn: sev}
		o.Fleet.Waivers = waivers
		res, err := profilecheck.Check(ctx, p, engine, o)
		if err != nil {
			return exitUsage, usageError{err}
		}
		var rep *reports.Report
		if res.Audit != nil {
			rep = reports.Build(res.Audit, engine.Rules(), nil, nil, p.ID(), res.Audit.GeneratedAt)
		}
		if output == "table" {
			if err := writeCheckTable(c.stdout, res, rep); err != nil {
				return exitUsage, fmt.Errorf("write output: %w", err)
			}
		} else if err := writeDocument(c.stdout, output, indentedJSON(struct {
			*profilecheck.Result
			Report *reports.Report `json:"report,omitempty"`
		}{res, rep})); err != nil {
			return exitUsage, fmt.Errorf("write output: %w", err)
		}
		if !res.Passed {
			return exitFindings, nil
		}
		return exitOK, nil
	})
	return cmd
}

func writeCheckTable(w io.Writer, res *profilecheck.Result, rep *reports.Report) error {
	verdict := "PASSED"
	if !res.Passed {
		verdict = "FAILED: not rollable"
	}
	fmt.Fprintf(w, "PROFILE CHECK %s (Kubernetes %s): %s\n", res.Profile, res.KubernetesVersion, verdict)
	for _, l := range res.Layers {
		where := l.Path
		if where == "" {
			where = "chart not found"
		}
		fmt.Fprintf(w, "  layer %-16s %-32s %s, %d finding(s) at or above %s\n", l.Name, l.Chart, where, l.Blocking, res.FailOn)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(w, "  problem: %s\n", p)
	}
	if rep == nil {
		return nil
	}
	fmt.Fprintln(w)
	return reports.Write(w, rep, "table")
}
