package dashboards

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Query is one Prometheus query of a panel.
type Query struct {
	Dashboard, Panel, RefID, Expr string
}

// Queries lists every panel query of every dashboard (from the rendered JSON, as Grafana
// will read it), sorted.
func Queries() ([]Query, error) {
	var out []Query
	for name, build := range All() {
		b, err := Render(build)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, err
		}
		panels, _ := doc["panels"].([]any)
		for _, p := range panels {
			pm, _ := p.(map[string]any)
			title, _ := pm["title"].(string)
			targets, _ := pm["targets"].([]any)
			for _, t := range targets {
				tm, _ := t.(map[string]any)
				expr, _ := tm["expr"].(string)
				ref, _ := tm["refId"].(string)
				if expr == "" {
					return nil, fmt.Errorf("%s: panel %q has a target without expr", name, title)
				}
				out = append(out, Query{Dashboard: name, Panel: title, RefID: ref, Expr: expr})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dashboard+out[i].Panel < out[j].Dashboard+out[j].Panel })
	return out, nil
}
