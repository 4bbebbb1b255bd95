package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

func runSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("snapshot", stderr)
	var ff fleetFlags
	var rf ruleFlags
	ff.register(fs)
	rf.register(fs)
	out := fs.String("o", "", "folder to write one facts document per cluster into (created if missing)")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	if *out == "" {
		return exitUsage, usagef("-o DIR is required")
	}
	if err := ff.validate(); err != nil {
		return exitUsage, err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return exitUsage, usagef("create snapshot folder: %v", err)
	}
	targets, err := ff.targets()
	if err != nil {
		return exitUsage, err
	}
	removed, err := ff.removedAPITable()
	if err != nil {
		return exitUsage, err
	}
	engine, err := rf.engine(ctx, removed)
	if err != nil {
		return exitUsage, err
	}
	opts, err := ff.options()
	if err != nil {
		return exitUsage, err
	}
	audit, err := fleet.Run(ctx, fleet.LiveJobs(targets, opts), engine, opts,
		func(c *facts.Cluster) error { return fleet.WriteSnapshot(*out, c) })
	if err != nil {
		return exitUsage, err
	}
	for _, r := range audit.Clusters {
		line := fmt.Sprintf("%s: %s, %d nodes", fleet.SnapshotFileName(r.Cluster), r.Status, r.Nodes)
		if r.Problem != "" {
			line += " (" + r.Problem + ")"
		}
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintf(stdout, "wrote %d facts documents to %s\n", len(audit.Clusters), *out)
	if audit.Incomplete() {
		return exitIncomplete, nil
	}
	return exitOK, nil
}
