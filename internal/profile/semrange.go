package profile

import (
	"fmt"
	"strings"
)

// Constraint is one comparison of a version range: Op is one of >=, >, <=, <, =; Version is
// MAJOR.MINOR.PATCH without a leading v.
type Constraint struct {
	Op      string `json:"op"`
	Version string `json:"version"`
}

// ParseRange parses a space-separated range such as ">=1.28.0 <1.35.0" (Helm kubeVersion
// style; a "-0" pre-release suffix, which Helm uses to admit pre-releases, is dropped).
func ParseRange(s string) ([]Constraint, error) {
	var out []Constraint
	for _, f := range strings.Fields(s) {
		op := ""
		for _, o := range []string{">=", "<=", ">", "<", "="} {
			if strings.HasPrefix(f, o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, fmt.Errorf("range %q: %q lacks an operator (>=, >, <=, <, =)", s, f)
		}
		v := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(f, op), "v"), "-0")
		if !semverRE.MatchString(v) {
			return nil, fmt.Errorf("range %q: %q is not MAJOR.MINOR.PATCH", s, v)
		}
		out = append(out, Constraint{Op: op, Version: v})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("range is empty")
	}
	return out, nil
}
