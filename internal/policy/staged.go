package policy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Evaluation is one cluster's evaluation, which can start before its facts are complete.
// Final converts facts paths that will not change any more and starts, on their own
// goroutines, the parts of the rules that read only final paths; Finish converts the rest,
// evaluates what is left and returns every finding. A live audit calls Final as collectors
// complete, so the RBAC rules run while the pods are still being listed.
//
// Every part sees only the facts paths its rules declare (custom.reads), whether it starts
// early or not, so a staged evaluation and a whole one give the same findings by
// construction. An Evaluation is used from one goroutine.
type Evaluation struct {
	e       *Engine
	ctx     context.Context
	cluster string
	// extra are the input's other keys (profile, scores), as [key, value] pairs.
	extra [][2]any
	// values holds the converted facts paths; a nil term means the document omits the path.
	values map[string]*ast.Term
	err    error
	// parts are the Engine's staged parts once Final was called, else its whole ones; chosen
	// at the first Final or Finish.
	parts    []part
	started  []bool
	results  [][]Finding
	ruleErrs [][]RuleError
	wg       sync.WaitGroup
}

// Begin starts the evaluation of one cluster's facts.
func (e *Engine) Begin(ctx context.Context) *Evaluation {
	return &Evaluation{e: e, ctx: ctx, values: map[string]*ast.Term{}}
}

// With adds a key to the rules' input beside cluster (e.g. bound: the profile the cluster is
// held to). Call it before Final or Finish.
func (s *Evaluation) With(key string, v any) {
	s.extra = append(s.extra, [2]any{key, v})
}

// name records the cluster's name (for findings) at the first call; started parts read it.
func (s *Evaluation) name(c *facts.Cluster) {
	if s.parts == nil {
		s.cluster = c.Name
	}
}

func (s *Evaluation) use(parts []part) {
	if s.parts == nil {
		s.parts = parts
		s.started, s.results, s.ruleErrs = make([]bool, len(parts)), make([][]Finding, len(parts)), make([][]RuleError, len(parts))
	}
}

// Final declares that c's facts paths (facts.Paths names) will not be written again, and
// starts the parts whose reads are all final. Unknown paths are ignored.
func (s *Evaluation) Final(c *facts.Cluster, paths ...string) {
	s.name(c)
	s.use(s.e.staged)
	for _, p := range paths {
		s.convert(c, p)
	}
	if s.err == nil {
		s.start(false)
	}
}

// Finish evaluates the rules not started yet on c, which is now complete, waits for the
// started ones and returns all findings, sorted. When some rules failed or ran out of time,
// the error is a RuleErrors (sorted by rule) and the findings are the other rules'.
func (s *Evaluation) Finish(c *facts.Cluster) ([]Finding, error) {
	s.name(c)
	s.use(s.e.whole)
	for _, p := range s.pending() {
		s.convert(c, p)
	}
	if s.err == nil {
		s.start(true)
	}
	s.wg.Wait()
	if s.err != nil {
		return nil, s.err
	}
	var out []Finding
	var errs RuleErrors
	for i := range s.results {
		out = append(out, s.results[i]...)
		errs = append(errs, s.ruleErrs[i]...)
	}
	SortFindings(out)
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b RuleError) int { return strings.Compare(a.Rule, b.Rule) })
		return out, errs
	}
	return out, nil
}

// Stop abandons the evaluation: it waits for the parts already started and drops them.
func (s *Evaluation) Stop() { s.wg.Wait() }

// pending lists the paths that parts not started yet read and that are not converted.
func (s *Evaluation) pending() []string {
	var out []string
	for i, pt := range s.parts {
		if s.started[i] {
			continue
		}
		reads := pt.reads
		if reads == nil || s.e.ignoreReads {
			reads = facts.Paths()
		}
		for _, p := range reads {
			if _, done := s.values[p]; !done && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func (s *Evaluation) convert(c *facts.Cluster, path string) {
	if _, done := s.values[path]; done || s.err != nil {
		return
	}
	v, ok := c.PathValue(path)
	if !ok {
		s.values[path] = nil
		return
	}
	t, err := toTerm(v)
	if err != nil {
		s.err = fmt.Errorf("convert facts %s of %s: %w", path, s.cluster, err)
		return
	}
	s.values[path] = t
}

// start starts the parts whose reads are all converted (every part not started, when all).
func (s *Evaluation) start(all bool) {
	var extra []*ast.Term
	for i, pt := range s.parts {
		if s.started[i] || (!all && !s.ready(pt.reads)) {
			continue
		}
		if extra == nil {
			extra = []*ast.Term{}
			for _, kv := range s.extra {
				t, err := toTerm(kv[1])
				if err != nil {
					s.err = fmt.Errorf("convert input %s for %s: %w", kv[0], s.cluster, err)
					return
				}
				extra = append(extra, ast.StringTerm(kv[0].(string)), t)
			}
		}
		s.started[i] = true
		in, cluster := s.input(pt.reads, extra), s.cluster
		s.wg.Go(func() { s.results[i], s.ruleErrs[i] = pt.eval(s.ctx, s.e, cluster, in) })
	}
}

func (s *Evaluation) ready(reads []string) bool {
	if reads == nil {
		return false // reads everything: only complete facts will do
	}
	for _, p := range reads {
		if _, done := s.values[p]; !done {
			return false
		}
	}
	return true
}

// input is {"cluster": <the paths reads names>, …extra}.
func (s *Evaluation) input(reads []string, extra []*ast.Term) ast.Value {
	if reads == nil || s.e.ignoreReads {
		reads = facts.Paths()
	}
	cluster := ast.NewObject()
	for _, p := range reads {
		t := s.values[p]
		if t == nil {
			continue
		}
		top, sub, nested := strings.Cut(p, ".")
		if !nested {
			cluster.Insert(ast.StringTerm(top), t)
			continue
		}
		parent := cluster.Get(ast.StringTerm(top))
		if parent == nil {
			parent = ast.NewTerm(ast.NewObject())
			cluster.Insert(ast.StringTerm(top), parent)
		}
		parent.Value.(ast.Object).Insert(ast.StringTerm(sub), t)
	}
	in := ast.NewObject([2]*ast.Term{ast.StringTerm("cluster"), ast.NewTerm(cluster)})
	for i := 0; i < len(extra); i += 2 {
		in.Insert(extra[i], extra[i+1])
	}
	return in
}

// eval evaluates the part's rules on one input, one after the other, under the engine's
// deadline. A rule that fails or runs out of time becomes a RuleError, as do the rules the
// deadline leaves no time for; the others' findings stand, at most e.maxFindings per rule.
func (pt part) eval(parent context.Context, e *Engine, cluster string, in ast.Value) ([]Finding, []RuleError) {
	ctx, cancel := context.WithTimeout(parent, e.timeout)
	defer cancel()
	cache := topdown.NewVirtualCache()
	var out []Finding
	var errs []RuleError
	for i, rq := range pt.rules {
		if ctx.Err() != nil {
			for _, left := range pt.rules[i:] {
				errs = append(errs, notEvaluated(left.rule, cluster, e.timeout, parent))
			}
			break
		}
		fs, err := rq.eval(ctx, cluster, in, cache)
		if err != nil {
			errs = append(errs, ruleError(rq.rule, cluster, e.timeout, ctx, parent, err))
			cache = topdown.NewVirtualCache() // an aborted evaluation may leave partial entries
			continue
		}
		out = append(out, capFindings(rq.rule, cluster, fs, e.maxFindings)...)
	}
	return out, errs
}

// eval evaluates one rule; cache is the part's cache of virtual documents.
func (rq ruleQuery) eval(ctx context.Context, cluster string, in ast.Value, cache topdown.VirtualCache) ([]Finding, error) {
	rs, err := rq.pq.Eval(ctx, rego.EvalParsedInput(in), rego.EvalVirtualCache(cache))
	if err != nil {
		return nil, errors.New(oneLine(err.Error()))
	}
	if len(rs) == 0 {
		return nil, errors.New("query undefined")
	}
	var out []Finding
	for _, kind := range []string{"deny", "warn"} {
		set, _ := rs[0].Bindings[kind].([]any)
		for _, raw := range set {
			f, err := toFinding(cluster, rq.rule, kind, raw)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
	}
	return out, nil
}
