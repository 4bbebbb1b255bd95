package policy

import (
	"encoding/json"
	"fmt"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"

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
	var p map[string]any
	if err := yamlfile.Read(path, &p); err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	return p, nil
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
