package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

func newRulesCmd(c *cli) *cobra.Command {
	var (
		rf        ruleFlags
		framework string
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List the rules with id, severity, category, controls, title and file",
		Long: `List the rules with id, severity, category, the controls they evidence, title and file.

--framework keeps the rules that cite a control of that framework (CIS, NSA, PSS, FinOps, or
any framework a --rules folder cites; case-insensitive) and shows only its controls.`,
		Example: `  fleetaudit rules list
  fleetaudit rules list --framework cis
  fleetaudit rules list --rules my-rules/`,
		Args: cobra.NoArgs,
		RunE: c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
			e, err := rf.engine(cmd.Context(), nil)
			if err != nil {
				return exitUsage, err
			}
			tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tCATEGORY\tCONTROLS\tTITLE\tFILE")
			shown := 0
			for _, r := range e.Rules() {
				var cs []string
				for _, ctl := range r.Controls {
					if framework == "" || strings.EqualFold(ctl.Framework, framework) {
						cs = append(cs, ctl.String())
					}
				}
				if framework != "" && len(cs) == 0 && strings.EqualFold(r.Framework, framework) {
					cs = []string{strings.ToUpper(framework) + " (each finding names its check)"}
				}
				if framework != "" && len(cs) == 0 {
					continue
				}
				shown++
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, severities(r), r.Category, strings.Join(cs, ", "), r.Title, r.File)
			}
			if framework != "" && shown == 0 {
				return exitUsage, usagef("--framework %s: no rule cites a control of it; frameworks cited: %s", framework, strings.Join(frameworksOf(e.Rules()), ", "))
			}
			return exitOK, tw.Flush()
		}),
	}
	rf.registerFiles(list)
	list.Flags().StringVar(&framework, "framework", "", "show only the rules citing a control of this framework (cis, nsa, pss, finops, …)")
	_ = list.RegisterFlagCompletionFunc("framework", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"CIS", "NSA", "PSS", "FinOps"}, cobra.ShellCompDirectiveNoFileComp
	})
	test := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the Rego unit tests of the embedded rules and of the given folders",
		Example: `  fleetaudit rules test
  fleetaudit rules test my-rules/`,
		Args: cobra.ArbitraryArgs,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: c.runE(func(cmd *cobra.Command, dirs []string) (int, error) {
			return runRulesTest(cmd.Context(), dirs, c.stdout)
		}),
	}
	return groupCmd(c, "rules", "List the rules, or run their Rego unit tests", `  fleetaudit rules list
  fleetaudit rules test my-rules/`, list, test)
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

// severities is the SEVERITY column: every severity the rule's findings may carry, as its
// METADATA declares them ("high/low"), which is what its findings are checked against.
func severities(r *policy.Rule) string {
	s := make([]string, len(r.Severities))
	for i, sev := range r.Severities {
		s[i] = string(sev)
	}
	return strings.Join(s, "/")
}

// frameworksOf lists the frameworks the rules cite, sorted.
func frameworksOf(rs []*policy.Rule) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		for _, c := range r.Controls {
			if !seen[c.Framework] {
				seen[c.Framework] = true
				out = append(out, c.Framework)
			}
		}
	}
	slices.Sort(out)
	return out
}
