package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// whoCanRow is one answer row: cluster × subject × path.
type whoCanRow struct {
	Cluster string `json:"cluster"`
	policy.WhoCanRow
}

func newRBACCmd(c *cli) *cobra.Command {
	var (
		src    = sourceFlags{stderr: c.stderr}
		output string
	)
	whoCan := &cobra.Command{
		Use:   "who-can VERB RESOURCE[.GROUP]",
		Short: "Who may do VERB on RESOURCE, per cluster, subject and binding path",
		Example: `  fleetaudit rbac who-can get secrets -n prod
  fleetaudit rbac who-can create pods/exec -n checkout --demo
  fleetaudit rbac who-can '*' '*' -o json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("want VERB and RESOURCE (e.g. who-can get secrets -n prod), got %d arguments", len(args))
			}
			return nil
		},
	}
	src.register(whoCan)
	src.kube.registerNamespace(whoCan, groupCluster, "namespace: count only cluster-wide grants and grants in this namespace")
	registerOutput(whoCan, &output, documentFormats)
	whoCan.RunE = c.runE(func(cmd *cobra.Command, args []string) (int, error) {
		return whoCanRun(cmd.Context(), &src, args[0], args[1], output, c.stdout)
	})
	return groupCmd(c, "rbac", "Ask RBAC questions across the fleet", "  fleetaudit rbac who-can get secrets -n prod", whoCan)
}

func whoCanRun(ctx context.Context, src *sourceFlags, verb, resource, output string, stdout io.Writer) (int, error) {
	q, err := policy.ParseWhoCan(verb, resource, src.kube.namespace)
	if err != nil {
		return exitUsage, usageError{err}
	}
	wc, err := policy.NewWhoCan(ctx)
	if err != nil {
		return exitUsage, err
	}
	jobs, opts, err := src.jobs()
	if err != nil {
		return exitUsage, err
	}
	var mu sync.Mutex
	var rows []whoCanRow
	var failed []string
	fleet.Each(ctx, jobs, opts, func(_ int, c *facts.Cluster) {
		var got []policy.WhoCanRow
		var err error
		if c.Status() == facts.StatusFailed || c.RBAC == nil {
			err = fmt.Errorf("%s: RBAC facts were not collected (%s)", c.Name, cmp.Or(c.Problem(), "snapshot without the rbac collector"))
		} else {
			got, err = wc.Ask(ctx, c, q)
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failed = append(failed, err.Error())
			return
		}
		for _, r := range got {
			rows = append(rows, whoCanRow{Cluster: c.Name, WhoCanRow: r})
		}
	})
	slices.SortFunc(rows, func(a, b whoCanRow) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(a.Binding, b.Binding), cmp.Compare(a.Role, b.Role))
	})
	slices.Sort(failed)
	if output != "table" {
		if err := writeDocument(stdout, output, indentedJSON(map[string]any{"query": q, "rows": rows, "failed": failed})); err != nil {
			return exitUsage, err
		}
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CLUSTER\tSUBJECT\tSCOPE\tPATH")
		for _, r := range rows {
			scope := "cluster-wide"
			if r.Namespace != "" {
				scope = "namespace " + r.Namespace
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s -> %s\n", r.Cluster, r.Subject, scope, r.Binding, r.Role)
		}
		if err := tw.Flush(); err != nil {
			return exitUsage, err
		}
		for _, f := range failed {
			fmt.Fprintf(stdout, "not answered: %s\n", f)
		}
	}
	if len(failed) > 0 {
		return exitIncomplete, nil
	}
	return exitOK, nil
}
