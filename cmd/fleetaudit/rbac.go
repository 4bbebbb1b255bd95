package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
	"text/tabwriter"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// whoCanRow is one answer row: cluster × subject × path.
type whoCanRow struct {
	Cluster string `json:"cluster"`
	policy.WhoCanRow
}

func runRBAC(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] != "who-can" {
		return exitUsage, usagef("want: rbac who-can VERB RESOURCE[.GROUP] [-n NAMESPACE]")
	}
	fs := newFlagSet("rbac who-can", stderr)
	src := sourceFlags{stderr: stderr}
	src.register(fs)
	ns := fs.String("n", "", "namespace: count only cluster-wide grants and grants in this namespace")
	output := fs.String("o", "table", "output format: table or json")
	// Accept flags before and after the two positional arguments.
	if err := parseInterspersed(fs, args[1:]); err != nil {
		return exitUsage, err
	}
	pos := fs.Args()
	if len(pos) != 2 {
		return exitUsage, usagef("want VERB and RESOURCE (e.g. who-can get secrets -n prod), got %d arguments", len(pos))
	}
	if err := oneOf("-o", *output, "table", "json"); err != nil {
		return exitUsage, err
	}
	q, err := policy.ParseWhoCan(pos[0], pos[1], *ns)
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
	if *output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"query": q, "rows": rows, "failed": failed}); err != nil {
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
