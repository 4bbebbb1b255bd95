package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/demo"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

func newSnapshotCmd(c *cli) *cobra.Command {
	var (
		ff   fleetFlags
		rf   ruleFlags
		out  outputDir
		shf  shardFlags
		demo bool
	)
	cmd := &cobra.Command{
		Use:   "snapshot --output-dir DIR",
		Short: "Collect each cluster's facts into a folder for offline audits",
		Example: `  fleetaudit snapshot --output-dir facts/
  fleetaudit snapshot --output-dir facts/ --context prod --cis job
  fleetaudit audit --snapshot facts/          # audit them offline, same findings
  fleetaudit snapshot --output-dir facts/ --demo`,
		Args: cobra.NoArgs,
	}
	ff.register(cmd)
	shf.register(cmd)
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.BoolVar(&demo, "demo", false, "write the embedded demo fleet's facts instead of collecting from a kubeconfig")
	})
	rf.register(cmd)
	out.register(cmd, "folder to write one facts document per cluster into (created if missing)")
	cmd.RunE = c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
		dir, err := out.resolve(cmd, c.stderr)
		if err != nil {
			return exitUsage, err
		}
		if err := ff.validate(); err != nil {
			return exitUsage, err
		}
		shard, err := shf.resolve()
		if err != nil {
			return exitUsage, err
		}
		return snapshot(cmd.Context(), &ff, &rf, dir, demo, shard, c.stdout)
	})
	return cmd
}

func snapshot(ctx context.Context, ff *fleetFlags, rf *ruleFlags, out string, useDemo bool, shard fleet.Shard, stdout io.Writer) (int, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return exitUsage, usagef("create snapshot folder: %v", err)
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
	var jobs []fleet.Job
	if useDemo {
		if len(ff.kube.contexts) > 0 || ff.inCluster {
			return exitUsage, usagef("--demo and --context or --in-cluster cannot be combined")
		}
		if jobs, err = demo.Jobs(); err != nil {
			return exitUsage, err
		}
	} else {
		targets, err := ff.targets()
		if err != nil {
			return exitUsage, err
		}
		jobs = fleet.LiveJobs(targets, opts)
	}
	audit, err := fleet.Run(ctx, filterJobs(jobs, shard), engine, opts,
		func(c *facts.Cluster) error { return fleet.WriteSnapshot(out, c) })
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
	fmt.Fprintf(stdout, "wrote %d facts documents to %s\n", len(audit.Clusters), out)
	if audit.Incomplete() {
		return exitIncomplete, nil
	}
	return exitOK, nil
}
