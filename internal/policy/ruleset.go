package policy

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
	"github.com/fleetaudit/fleetaudit/rules"
)

// RuleSet is what every user of the rules compiles: the parsed Rego modules (embedded plus
// user folders) and the data document they read (data.fleetaudit: params and the
// removed-API table). The engine, the Rego test runner and who-can all load it here, so they
// see the same rules and the same data.
type RuleSet struct {
	Modules map[string]*ast.Module
	Data    map[string]any
	// User names the modules of Modules loaded from Options.Dirs.
	User map[string]bool
}

// LoadRuleSet parses the embedded rules and those of opts.Dirs (with their *_test.rego files
// when withTests) and builds the data document from the defaults, opts.Params and
// opts.RemovedAPIs (default: the embedded table). Errors name the file and line.
func LoadRuleSet(opts Options, withTests bool) (*RuleSet, error) {
	modules, user, err := loadModules(opts.Dirs, withTests)
	if err != nil {
		return nil, err
	}
	params, err := DefaultParams()
	if err != nil {
		return nil, err
	}
	yamlfile.Merge(params, opts.Params)
	removed := opts.RemovedAPIs
	if removed == nil {
		if removed, err = rules.RemovedAPIs(); err != nil {
			return nil, err
		}
	}
	doc, err := dataDocument(params, removed)
	if err != nil {
		return nil, err
	}
	return &RuleSet{Modules: modules, Data: doc, User: user}, nil
}
