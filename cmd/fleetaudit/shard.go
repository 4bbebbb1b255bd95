package main

import (
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// shardFlags are --shard I/N and --shards N (audit, snapshot, report): the run covers only
// the clusters the shard owns (fleet.Owner, rendezvous hashing of the name). With --shards N
// alone the index comes from the pod: JOB_COMPLETION_INDEX of an Indexed Job, else the
// StatefulSet ordinal, the trailing -K of $HOSTNAME.
type shardFlags struct {
	shard  string
	shards int
	// getenv reads the environment (os.Getenv when nil).
	getenv func(string) string
}

func (s *shardFlags) register(cmd *cobra.Command) {
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.StringVar(&s.shard, "shard", "", "audit only the clusters of part I of N (I/N, from 0), by a stable hash of the cluster name; merge the parts with fleetaudit merge")
		fs.Var(intFlag(&s.shards, 0, atLeast(0)), "shards", "split the fleet into N parts and audit the pod's: the index is $JOB_COMPLETION_INDEX (Indexed Job) or the StatefulSet ordinal of $HOSTNAME (NAME-K)")
	})
}

// resolve is the shard to audit; the zero Shard (the whole fleet) when neither flag is given.
func (s *shardFlags) resolve() (fleet.Shard, error) {
	getenv := s.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var sh fleet.Shard
	if s.shard != "" {
		p, err := fleet.ParseShard(s.shard)
		if err != nil {
			return sh, usagef("--shard: %v", err)
		}
		if s.shards != 0 && s.shards != p.Count {
			return sh, usagef("--shard %s and --shards %d disagree on the number of parts: give one of them", s.shard, s.shards)
		}
		return p, nil
	}
	if s.shards == 0 {
		return sh, nil
	}
	index, from, err := podIndex(getenv)
	if err != nil {
		return sh, usagef("--shards %d: %v", s.shards, err)
	}
	p, err := fleet.NewShard(index, s.shards)
	if err != nil {
		return sh, usagef("--shards %d: %v (from %s)", s.shards, err, from)
	}
	return p, nil
}

// podIndex is the pod's index among its peers: JOB_COMPLETION_INDEX, else the ordinal
// ending $HOSTNAME. from names the source, for errors.
func podIndex(getenv func(string) string) (index int, from string, err error) {
	if v := getenv("JOB_COMPLETION_INDEX"); v != "" {
		i, err := strconv.Atoi(v)
		if err != nil {
			return 0, "", usagef("JOB_COMPLETION_INDEX %q is not a whole number", v)
		}
		return i, "JOB_COMPLETION_INDEX=" + v, nil
	}
	host := getenv("HOSTNAME")
	if k := strings.LastIndexByte(host, '-'); k >= 0 {
		if i, err := strconv.Atoi(host[k+1:]); err == nil {
			return i, "HOSTNAME=" + host, nil
		}
	}
	return 0, "", usagef("no shard index: neither JOB_COMPLETION_INDEX (an Indexed Job) nor a HOSTNAME ending in -K (a StatefulSet pod; HOSTNAME is %q) is set; give --shard I/N", host)
}

// filter keeps the jobs sh owns. A shard that owns none is a valid, empty part.
func filterJobs(jobs []fleet.Job, sh fleet.Shard) []fleet.Job {
	if sh.Whole() {
		return jobs
	}
	out := make([]fleet.Job, 0, len(jobs)/sh.Count+1)
	for _, j := range jobs {
		if sh.Owns(j.Name) {
			out = append(out, j)
		}
	}
	return out
}
