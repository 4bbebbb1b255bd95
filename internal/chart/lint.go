//go:build helmlint

// Helm's lint package (helm.sh/helm/v3/pkg/lint) needs go.sum entries this module does not
// carry yet (github.com/asaskevich/govalidator, k8s.io/apiserver, through pkg/lint/rules):
// until `go get helm.sh/helm/v3/pkg/lint@v3.21.4` adds them, this file builds only with
// -tags helmlint and a go.mod that has them (go test -tags helmlint -modfile=...).

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
