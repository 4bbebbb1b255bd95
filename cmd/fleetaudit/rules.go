package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

func runRules(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || (args[0] != "list" && args[0] != "test") {
		return exitUsage, usagef("want a subcommand: rules list [--rules DIR] | rules test [DIR...]")
	}
	if args[0] == "test" {
		return runRulesTest(ctx, args[1:], stdout)
	}
	fs := newFlagSet("rules list", stderr)
	var rf ruleFlags
	rf.register(fs)
	if err := parse(fs, args[1:]); err != nil {
		return exitUsage, err
	}
	e, err := rf.engine(ctx, nil)
	if err != nil {
		return exitUsage, err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tCATEGORY\tTITLE\tFILE")
	for _, r := range e.Rules() {
		sev := make([]string, len(r.Severities))
		for i, s := range r.Severities {
			sev[i] = string(s)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, strings.Join(sev, "/"), r.Category, r.Title, r.File)
	}
	return exitOK, tw.Flush()
}

// runRulesTest runs the Rego unit tests of the embedded rules plus the given folders.
func runRulesTest(ctx context.Context, dirs []string, stdout io.Writer) (int, error) {
	res, err := policy.RunTests(ctx, dirs)
	if err != nil {
		return exitUsage, usageError{err}
	}
	failed := 0
	for _, r := range res {
		if r.Passed {
			continue
		}
		failed++
		fmt.Fprintf(stdout, "FAIL %s (%s): %s\n", r.Name, r.File, r.Output)
	}
	fmt.Fprintf(stdout, "rego tests: %d passed, %d failed\n", len(res)-failed, failed)
	if failed > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}
