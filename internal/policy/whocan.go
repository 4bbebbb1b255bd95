package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// WhoCanQuery asks which subjects may perform Verb on Resource ("pods/exec",
// "deployments.apps"), optionally in one Namespace.
type WhoCanQuery struct {
	Verb      string `json:"verb"`
	Resource  string `json:"resource"`
	Group     string `json:"group,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

// ParseWhoCan splits RESOURCE[.GROUP] ("deployments.apps", "pods/exec", "secrets").
func ParseWhoCan(verb, resource, namespace string) (WhoCanQuery, error) {
	if verb == "" || resource == "" {
		return WhoCanQuery{}, fmt.Errorf("want VERB and RESOURCE, e.g. who-can get secrets")
	}
	q := WhoCanQuery{Verb: verb, Resource: resource, Namespace: namespace}
	name, sub, _ := strings.Cut(resource, "/")
	if r, g, ok := strings.Cut(name, "."); ok {
		q.Resource, q.Group = r, g
		if sub != "" {
			q.Resource += "/" + sub
		}
	}
	return q, nil
}

// WhoCanRow is one subject × path (binding → role) that allows the query.
type WhoCanRow struct {
	Subject   string `json:"subject"`
	Binding   string `json:"binding"`
	Role      string `json:"role"`
	Namespace string `json:"namespace"`
}

// WhoCan answers queries with the same matching code as the RBAC rules
// (data.fleetaudit.lib.rbac.who_can), compiled once.
type WhoCan struct{ pq rego.PreparedEvalQuery }

// NewWhoCan prepares the who-can query.
func NewWhoCan(ctx context.Context) (*WhoCan, error) {
	set, err := LoadRuleSet(Options{}, false)
	if err != nil {
		return nil, err
	}
	opts := []func(*rego.Rego){rego.Query("data.fleetaudit.lib.rbac.who_can"), rego.Data(set.Data),
		rego.Capabilities(sandboxCapabilities())}
	for _, m := range set.Modules {
		opts = append(opts, rego.ParsedModule(m))
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare who-can: %s", oneLine(err.Error()))
	}
	return &WhoCan{pq: pq}, nil
}

// Ask evaluates q on one cluster's facts. Rows come back sorted.
func (w *WhoCan) Ask(ctx context.Context, c *facts.Cluster, q WhoCanQuery) ([]WhoCanRow, error) {
	b, err := json.Marshal(map[string]any{"cluster": c, "query": q})
	if err != nil {
		return nil, err
	}
	in, err := ast.ValueFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	rs, err := w.pq.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return nil, fmt.Errorf("who-can on %s: %s", c.Name, oneLine(err.Error()))
	}
	var rows []WhoCanRow
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return rows, nil
	}
	raw, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("who-can result: %w", err)
	}
	return rows, nil
}
