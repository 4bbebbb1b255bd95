package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/demo"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

// decisionDirUsage describes --decision-dir, which serve writes and audit and report read.
const decisionDirUsage = "folder of the gate's decision history (one JSON-lines file per cluster; beside the report history, never in a cluster): serve writes it and recognises rollbacks from it, audit and report show each cluster's last allowed move"

// boundFlags say which profile each cluster is held to, for the drift rules: --bindings and
// --catalog. The demo fleet is held to the example bindings and catalog unless they are given.
type boundFlags struct {
	bindings  string
	decisions string
	catalog   catalogFlag
}

func (b *boundFlags) register(cmd *cobra.Command) {
	b.catalog.register(cmd)
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringVar(&b.bindings, "bindings", "", "Bindings file: the profile each cluster is held to (with --catalog: drift findings against it)")
		fs.StringVar(&b.decisions, "decision-dir", "", decisionDirUsage)
	})
	_ = cmd.MarkFlagDirname("decision-dir")
	_ = cmd.MarkFlagFilename("bindings", "yaml", "yml")
}

// apply sets opts.Bound (each cluster's input.bound, for the drift rules) and opts.State
// (its place in the catalog) when bindings apply; without them drift is not judged.
func (b *boundFlags) apply(demoFleet bool, opts *fleet.Options) error {
	bs, cat, err := b.load(demoFleet)
	if err != nil || bs == nil {
		return err
	}
	var history *server.DecisionLog
	if b.decisions != "" {
		if history, err = server.OpenDecisionLog(b.decisions); err != nil {
			return usageError{err}
		}
	}
	opts.Bound = func(cluster string) map[string]any { return bs.Input(cluster, cat) }
	opts.State = stateFunc(bs, cat, history)
	return nil
}

// stateFunc gives each cluster's place in the catalog, with the moves the gate's decision
// history allowed (nil history: none).
func stateFunc(bs *binding.Bindings, cat *profile.Catalog, history *server.DecisionLog) func(*facts.Cluster) *binding.State {
	return func(c *facts.Cluster) *binding.State {
		var moves []binding.Move
		past, err := history.Allowed(c.Name)
		for _, r := range past {
			moves = append(moves, binding.Move{Time: r.Time, Profile: r.Profile, Target: r.Target, Object: r.Object})
		}
		st := bs.StateOf(c, cat, moves)
		if st != nil && err != nil {
			st.Problem = strings.TrimPrefix(st.Problem+"; ", "; ") + "decision history: " + err.Error()
		}
		return st
	}
}

func (b *boundFlags) load(demoFleet bool) (*binding.Bindings, *profile.Catalog, error) {
	var (
		bs  *binding.Bindings
		cat *profile.Catalog
		err error
	)
	switch {
	case b.bindings != "":
		if bs, err = binding.Load(b.bindings); err != nil {
			return nil, nil, usageError{err}
		}
		if cat, err = b.catalog.load(""); err != nil {
			return nil, nil, err
		}
	case demoFleet && b.catalog.path == "":
		if bs, cat, err = demo.Bound(); err != nil {
			return nil, nil, err
		}
	case b.catalog.path != "":
		return nil, nil, usagef("--catalog needs --bindings: which clusters are held to which profile")
	case b.decisions != "":
		return nil, nil, usagef("--decision-dir needs --bindings and --catalog: the history tells which of the bound profile's versions a cluster runs")
	default:
		return nil, nil, nil
	}
	return bs, cat, nil
}
