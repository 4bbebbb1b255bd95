package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego test.
type TestResult struct {
	Name   string // package.test_name
	File   string
	Passed bool
	Output string // failure reason or error, when not passed
}

// RunTests runs every *_test.rego of the embedded rules and of dirs, with the default data
// document loaded, and returns one result per test.
func RunTests(ctx context.Context, dirs []string) ([]TestResult, error) {
	set, err := LoadRuleSet(Options{Dirs: dirs}, true)
	if err != nil {
		return nil, err
	}
	modules, doc := set.Modules, set.Data
	store := inmem.NewFromObject(doc)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().SetCompiler(newCompiler().WithEnablePrintStatements(true)).SetStore(store).
		SetModules(modules).CapturePrintOutput(true).RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("run rego tests: %s", oneLine(refusedError(err).Error()))
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{Name: strings.TrimPrefix(r.Package, "data.") + "." + r.Name, Passed: r.Pass()}
		if r.Location != nil {
			tr.File = fmt.Sprintf("%s:%d", r.Location.File, r.Location.Row)
		}
		switch {
		case r.Error != nil:
			tr.Output = oneLine(r.Error.Error())
		case r.Fail:
			tr.Output = "test evaluated to false or undefined"
		}
		if len(r.Output) > 0 {
			tr.Output += " " + string(r.Output)
		}
		out = append(out, tr)
	}
	return out, nil
}
