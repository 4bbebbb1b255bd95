package policy

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/rules"
)

// DefaultParams returns a fresh copy of the embedded data document (rules/params.json), which
// rules read as data.fleetaudit.params.
func DefaultParams() (map[string]any, error) {
	var p map[string]any
	if err := json.Unmarshal(rules.DefaultParams, &p); err != nil {
		return nil, fmt.Errorf("parse embedded rules/params.json: %w", err)
	}
	return p, nil
}

// LoadParams reads a user parameter file (YAML or JSON) to merge over the defaults.
func LoadParams(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read params: %w", err)
	}
	var p map[string]any
	if err := yaml.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parse params %s: %w", path, err)
	}
	return p, nil
}

// mergeInto deep-merges src over dst: objects merge key by key, anything else replaces.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeInto(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// dataDocument is the data document rules see under data.fleetaudit: params and the
// removed-API table (as plain JSON values).
func dataDocument(params map[string]any, removed []rules.RemovedAPI) (map[string]any, error) {
	b, err := json.Marshal(removed)
	if err != nil {
		return nil, err
	}
	var table []any
	if err := json.Unmarshal(b, &table); err != nil {
		return nil, err
	}
	return map[string]any{"fleetaudit": map[string]any{"params": params, "removed_apis": table}}, nil
}
