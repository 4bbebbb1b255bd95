package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/demo"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// boundFlags say which profile each cluster is held to, for the drift rules: --bindings and
// --catalog. The demo fleet is held to the example bindings and catalog unless they are given.
type boundFlags struct {
	bindings string
	catalog  catalogFlag
}

func (b *boundFlags) register(cmd *cobra.Command) {
	b.catalog.register(cmd)
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringVar(&b.bindings, "bindings", "", "Bindings file: the profile each cluster is held to (with --catalog: drift findings against it)")
	})
	_ = cmd.MarkFlagFilename("bindings", "yaml", "yml")
}

// input returns the function that gives each cluster's input.bound, or nil when no bindings
// apply (drift is then not judged).
func (b *boundFlags) input(demoFleet bool) (func(string) map[string]any, error) {
	var (
		bs  *binding.Bindings
		cat *profile.Catalog
		err error
	)
	switch {
	case b.bindings != "":
		if bs, err = binding.Load(b.bindings); err != nil {
			return nil, usageError{err}
		}
		if cat, err = b.catalog.load(""); err != nil {
			return nil, err
		}
	case demoFleet && b.catalog.path == "":
		if bs, cat, err = demo.Bound(); err != nil {
			return nil, err
		}
	case b.catalog.path != "":
		return nil, usagef("--catalog needs --bindings: which clusters are held to which profile")
	default:
		return nil, nil
	}
	return func(cluster string) map[string]any { return bs.Input(cluster, cat) }, nil
}
