// Package policy is the OPA engine: it loads the embedded rules plus user rule folders,
// compiles them once, reads each rule's METADATA, and evaluates a cluster's facts into
// findings. A prepared Engine is safe for concurrent use.
package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/rules"
)

// Options configure an Engine.
type Options struct {
	// Dirs are user rule folders (--rules), loaded beside the embedded rules.
	Dirs []string
	// Params is merged over the embedded default data document (data.fleetaudit.params).
	Params map[string]any
	// Strict compiles in OPA's strict mode (unused variables and imports are errors).
	Strict bool
	// RemovedAPIs is the removed-API table rules see as data.fleetaudit.removed_apis
	// (default: the embedded table).
	RemovedAPIs []rules.RemovedAPI
	// Parallelism is how many queries the rules are split into (default: the CPU count, at
	// most 2; the RBAC rules, the heaviest, are spread over all of them).
	Parallelism int
	// EvalTimeout bounds the evaluation of each group of rules on a cluster, from when the
	// group starts (DefaultEvalTimeout when not positive). The groups of a cluster run in
	// parallel, so its evaluation ends at most EvalTimeout after its facts are complete.
	EvalTimeout time.Duration
	// MaxFindingsPerRule is how many findings a rule keeps per cluster; the rest are summed
	// up in one more finding (DefaultMaxFindingsPerRule when not positive).
	MaxFindingsPerRule int
}

// Engine evaluates facts against the compiled rules.
type Engine struct {
	rules []*Rule
	// whole and staged are two sets of prepared queries, each over disjoint subsets of the
	// rules grouped by the facts paths they read (so a group can start as soon as its paths
	// are final). In whole, used when the facts are complete from the start, large groups are
	// split further (Options.Parallelism) because OPA evaluates a query on one goroutine and
	// one cluster's evaluation should use every core. In staged, used while facts are still
	// being collected, they are not: those parts run beside the LISTs, where spare CPU goes
	// to decoding, and a split would compute the shared RBAC indexes twice.
	whole, staged []part
	// ignoreReads gives every part all facts paths (tests check the declarations with it).
	ignoreReads bool
	timeout     time.Duration
	maxFindings int
}

// part is a group of rules evaluated one after the other on one goroutine, under one
// deadline, sharing OPA's cache of virtual documents (so the library rules they call, such as
// the RBAC indexes, are computed once per part), each with its own prepared query (so a rule
// that fails or runs out of time is known, and the others' findings stand).
type part struct {
	rules []ruleQuery
	// reads are the facts paths the part's rules read (all of them when nil).
	reads []string
}

// ruleQuery is one rule's query: "deny := PKG.deny; warn := PKG.warn" (the sets it defines).
type ruleQuery struct {
	rule *Rule
	pq   rego.PreparedEvalQuery
}

// Input is the document rules see as input.
type Input struct {
	Cluster *facts.Cluster `json:"cluster"`
	// Profile is the target ClusterProfile (profile.Profile.Input) when judging an upgrade.
	Profile map[string]any `json:"profile,omitempty"`
	// Scores are the cluster's compliance scores, for rules that compare them to a profile.
	Scores map[string]Score `json:"scores,omitempty"`
}

// New loads, compiles (in the sandbox: see sandboxCapabilities) and prepares the rules.
// Errors name the file and line.
func New(ctx context.Context, opts Options) (*Engine, error) {
	set, err := LoadRuleSet(opts, false)
	if err != nil {
		return nil, err
	}
	modules := set.Modules
	compiler := newCompiler().WithStrict(opts.Strict)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("compile rules: %s", oneLine(refusedError(compiler.Errors).Error()))
	}
	rs, err := rulesOf(modules, compiler.GetAnnotationSet(), set.User)
	if err != nil {
		return nil, err
	}
	e := &Engine{rules: rs, timeout: DefaultEvalTimeout, maxFindings: DefaultMaxFindingsPerRule}
	if opts.EvalTimeout > 0 {
		e.timeout = opts.EvalTimeout
	}
	if opts.MaxFindingsPerRule > 0 {
		e.maxFindings = opts.MaxFindingsPerRule
	}
	doc := set.Data
	store := inmem.NewFromObjectWithOpts(doc, inmem.OptReturnASTValuesOnRead(true))
	prep := func(n int) ([]part, error) {
		var parts []part
		for _, group := range partition(rs, n) {
			pt, err := preparePart(ctx, compiler, store, group)
			if err != nil {
				return nil, err
			}
			parts = append(parts, pt)
		}
		return parts, nil
	}
	if e.whole, err = prep(opts.Parallelism); err != nil {
		return nil, err
	}
	if e.staged, err = prep(1); err != nil {
		return nil, err
	}
	return e, nil
}

// preparePart prepares the queries of a group of rules. The embedded rules come first, so a
// slow rule from a --rules folder can use up the group's time only for the user rules after it.
func preparePart(ctx context.Context, compiler *ast.Compiler, store storage.Store, group []*Rule) (part, error) {
	pt := part{reads: group[0].Reads}
	group = slices.Clone(group)
	slices.SortStableFunc(group, func(a, b *Rule) int {
		if a.User == b.User {
			return 0
		} else if b.User {
			return -1
		}
		return 1
	})
	for _, r := range group {
		var query []string
		for _, kind := range []string{"deny", "warn"} {
			if (kind == "deny" && r.HasDeny) || (kind == "warn" && r.HasWarn) {
				query = append(query, fmt.Sprintf("%s := %s.%s", kind, r.Package, kind))
			}
		}
		pq, err := rego.New(rego.Compiler(compiler), rego.Store(store), rego.Query(strings.Join(query, "; "))).
			PrepareForEval(ctx)
		if err != nil {
			return part{}, fmt.Errorf("prepare rule %s (%s): %s", r.ID, r.where(), oneLine(err.Error()))
		}
		pt.rules = append(pt.rules, ruleQuery{rule: r, pq: pq})
	}
	return pt, nil
}

// Rules lists the loaded rules, sorted by ID.
func (e *Engine) Rules() []*Rule { return e.rules }

// Evaluate runs every rule on one cluster's facts.
func (e *Engine) Evaluate(ctx context.Context, c *facts.Cluster) ([]Finding, error) {
	return e.Begin(ctx).Finish(c)
}

// EvaluateInput runs every rule on an input (facts, and optionally a profile and scores).
func (e *Engine) EvaluateInput(ctx context.Context, input Input) ([]Finding, error) {
	s := e.Begin(ctx)
	if len(input.Profile) > 0 { // (as encoding/json's omitempty would)
		s.extra = append(s.extra, [2]any{"profile", input.Profile})
	}
	if len(input.Scores) > 0 {
		s.extra = append(s.extra, [2]any{"scores", input.Scores})
	}
	return s.Finish(input.Cluster)
}

// partition groups the rules by the facts paths they read and splits each group into up to
// n parts (default: the CPU count, at most 2), dealing its rules round-robin.
func partition(rs []*Rule, n int) [][]*Rule {
	if n <= 0 {
		n = min(runtime.NumCPU(), 2)
	}
	byReads := map[string][]*Rule{}
	for _, r := range rs {
		key := "*"
		if r.Reads != nil {
			key = strings.Join(r.Reads, " ")
		}
		byReads[key] = append(byReads[key], r)
	}
	var out [][]*Rule
	for _, key := range slices.Sorted(maps.Keys(byReads)) {
		group := byReads[key]
		parts := make([][]*Rule, min(n, len(group)))
		for i, r := range group {
			parts[i%len(parts)] = append(parts[i%len(parts)], r)
		}
		out = append(out, parts...)
	}
	return out
}

func toFinding(cluster string, r *Rule, kind string, raw any) (Finding, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return Finding{}, fmt.Errorf("%s result is %T, want an object with msg and resource", kind, raw)
	}
	f := Finding{
		Cluster: cluster, RuleID: r.ID, Title: r.Title, Category: r.Category, Framework: r.Framework, Severity: r.Severity,
		Kind: kind, Remediation: r.Remediation, References: r.References,
	}
	if f.Message, ok = obj["msg"].(string); !ok || f.Message == "" {
		return Finding{}, fmt.Errorf("%s result has no string msg", kind)
	}
	res, err := resourceOf(obj["resource"], cluster)
	if err != nil {
		return Finding{}, fmt.Errorf("%s result %q: %w", kind, f.Message, err)
	}
	f.Resource = res
	f.Controls = r.Controls
	if v, ok := obj["controls"]; ok {
		cs, err := parseControls(v)
		if err != nil {
			return Finding{}, fmt.Errorf("%s result %q: %w", kind, f.Message, err)
		}
		f.Controls = append(slices.Clip(f.Controls), cs...)
	}
	if s, ok := obj["remediation"].(string); ok && s != "" {
		f.Remediation = s // a finding-specific remediation (e.g. a CIS check's) wins
	}
	if s, ok := obj["severity"].(string); ok {
		sev, err := ParseSeverity(s)
		if err != nil {
			return Finding{}, fmt.Errorf("%s result %q: %w", kind, f.Message, err)
		}
		if !slices.Contains(r.Severities, sev) {
			return Finding{}, fmt.Errorf("%s result %q has severity %s, which the rule's METADATA does not declare (custom.severity, custom.severities: %v)", kind, f.Message, sev, r.Severities)
		}
		f.Severity = sev
	}
	if v, ok := obj["monthly_saving"]; ok {
		m, err := savingOf(v)
		if err != nil {
			return Finding{}, fmt.Errorf("%s result %q: %w", kind, f.Message, err)
		}
		f.MonthlySaving = &m
	}
	for k, v := range obj {
		switch k {
		case "msg", "resource", "severity", "remediation", "controls", "monthly_saving":
		default:
			if f.Details == nil {
				f.Details = map[string]any{}
			}
			f.Details[k] = v
		}
	}
	return f, nil
}

// resourceOf reads a finding's resource: an object {kind, name[, namespace, apiVersion,
// fieldPath]}, or (rules written before typed resources) a "kind/namespace/name" string.
// {kind: "Cluster"} without a name names the cluster evaluated.
func resourceOf(v any, cluster string) (ResourceRef, error) {
	switch x := v.(type) {
	case string:
		return ParseLegacyResource(x, cluster), nil
	case map[string]any:
		var r ResourceRef
		for k, val := range x {
			s, ok := val.(string)
			if !ok {
				return r, fmt.Errorf("resource.%s is %T, want a string", k, val)
			}
			switch k {
			case "apiVersion":
				r.APIVersion = s
			case "kind":
				r.Kind = s
			case "namespace":
				r.Namespace = s
			case "name":
				r.Name = s
			case "fieldPath":
				r.FieldPath = s
			default:
				return r, fmt.Errorf("resource has unknown field %q (want kind, name, namespace, apiVersion, fieldPath)", k)
			}
		}
		if r.Kind == "Cluster" && r.Name == "" {
			r.Name = cluster
		}
		if r.Kind == "" || r.Name == "" {
			return r, fmt.Errorf("resource needs kind and name, got %v", x)
		}
		return r, nil
	}
	return ResourceRef{}, fmt.Errorf("resource is %T, want an object {kind, name[, namespace, apiVersion]}", v)
}

// loadModules parses the embedded rules and those in dirs, and names the modules loaded from
// dirs. withTests keeps *_test.rego files.
func loadModules(dirs []string, withTests bool) (map[string]*ast.Module, map[string]bool, error) {
	filter := func(_ string, info fs.FileInfo, _ int) bool {
		if info.IsDir() {
			return false
		}
		name := info.Name()
		return !strings.HasSuffix(name, ".rego") || (!withTests && strings.HasSuffix(name, "_test.rego"))
	}
	embedded, err := loader.NewFileLoader().WithFS(rules.FS).WithProcessAnnotation(true).
		Filtered([]string{"."}, filter)
	if err != nil {
		return nil, nil, fmt.Errorf("load embedded rules: %s", oneLine(err.Error()))
	}
	modules, fromDirs := map[string]*ast.Module{}, map[string]bool{}
	for name, m := range embedded.Modules {
		modules["rules/"+strings.TrimPrefix(name, "./")] = m.Parsed
	}
	if len(dirs) > 0 {
		user, err := loader.NewFileLoader().WithProcessAnnotation(true).Filtered(dirs, filter)
		if err != nil {
			return nil, nil, fmt.Errorf("load rules from %s: %s", strings.Join(dirs, ", "), oneLine(err.Error()))
		}
		for name, m := range user.Modules {
			modules[name], fromDirs[name] = m.Parsed, true
		}
	}
	return modules, fromDirs, nil
}

// oneLine folds OPA's multi-line error texts ("2 errors occurred:\nfile:3: …\n\tsource\n\t^")
// into one line that keeps each error's "file:line: message" and drops the source excerpts.
func oneLine(s string) string {
	s = errCountRE.ReplaceAllString(strings.TrimSpace(s), "")
	var keep []string
	for i, l := range strings.Split(s, "\n") {
		if i > 0 && (strings.HasPrefix(l, "\t") || strings.HasPrefix(l, " ")) {
			continue // source excerpt or caret line
		}
		if l = strings.TrimSpace(l); l != "" {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "; ")
}

var errCountRE = regexp.MustCompile(`(?m)^\d+ errors? occurred( during loading)?:\s*`)

// savingOf reads a finding's monthly_saving: a finite number >= 0, rounded to cents.
func savingOf(v any) (float64, error) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		x, err := n.Float64()
		if err != nil {
			return 0, fmt.Errorf("monthly_saving %q is not a number", n)
		}
		f = x
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	default:
		return 0, fmt.Errorf("monthly_saving is %T, want a number", v)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, fmt.Errorf("monthly_saving %v is not a finite amount >= 0", f)
	}
	return math.Round(f*100) / 100, nil
}
