package chart

import (
	"errors"
	"fmt"

	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
)

// Lint runs Helm's chart linter (helm.sh/helm/v3/pkg/lint: Chart.yaml, values and their
// schema, every template rendered and parsed) with values, and fails as `helm lint --strict`
// does: on any message of warning severity or above. The error lists every such message.
func Lint(dir, namespace string, values map[string]any) error {
	l := lint.AllWithKubeVersion(dir, values, namespace, nil)
	var errs []error
	for _, m := range l.Messages {
		if m.Severity >= support.WarningSev {
			errs = append(errs, errors.New(m.Error()))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("helm lint --strict %s: %w", dir, errors.Join(errs...))
	}
	return nil
}
