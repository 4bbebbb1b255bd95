package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/reports"
)

// shardList is the JSON/YAML of fleetaudit shards: each cluster's shard, and each shard's
// number of clusters (a shard may own none).
type shardList struct {
	Count    int            `json:"count"`
	Clusters []clusterShard `json:"clusters"`
	Sizes    []int          `json:"sizes"`
}

type clusterShard struct {
	Cluster string `json:"cluster"`
	Shard   int    `json:"shard"`
}

func newShardsCmd(c *cli) *cobra.Command {
	var (
		src    = sourceFlags{stderr: c.stderr, stdin: c.stdin}
		count  int
		output string
	)
	cmd := &cobra.Command{
		Use:   "shards --shards N",
		Short: "List which of N shards each cluster of the fleet belongs to",
		Long: `List the shard (0 to N-1) each cluster of the fleet (kubeconfig contexts, --snapshot, --demo)
belongs to when the fleet is split N ways, as audit --shard I/N and --shards N split it: by
rendezvous hashing of the cluster name, so growing N moves only the clusters of the new shard.
No cluster is contacted.`,
		Example: `  fleetaudit shards --shards 3 --demo
  fleetaudit shards --shards 8 -o json`,
		Args: cobra.NoArgs,
	}
	src.register(cmd)
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.Var(intFlag(&count, 0, between(1, fleet.MaxShards, false)), "shards", "number of shards the fleet is split into")
	})
	registerOutput(cmd, &output, []string{"table", "json", "yaml"})
	cmd.RunE = c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
		if count == 0 {
			return exitUsage, usagef("--shards N is required: the number of parts the fleet is split into")
		}
		jobs, _, err := src.jobs()
		if err != nil {
			return exitUsage, err
		}
		l := shardList{Count: count, Clusters: []clusterShard{}, Sizes: make([]int, count)}
		for _, j := range jobs {
			s := fleet.Owner(j.Name, count)
			l.Clusters = append(l.Clusters, clusterShard{Cluster: j.Name, Shard: s})
			l.Sizes[s]++
		}
		if output == "table" {
			return exitOK, writeShardTable(c.stdout, l)
		}
		return exitOK, writeDocument(c.stdout, output, indentedJSON(l))
	})
	return cmd
}

func writeShardTable(w io.Writer, l shardList) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CLUSTER\tSHARD")
	for _, c := range l.Clusters {
		fmt.Fprintf(tw, "%s\t%d/%d\n", reports.Plain(c.Cluster), c.Shard, l.Count)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d clusters in %d shards; clusters per shard:", len(l.Clusters), l.Count)
	for i, n := range l.Sizes {
		fmt.Fprintf(w, " %d:%d", i, n)
	}
	_, err := fmt.Fprintln(w)
	return err
}
