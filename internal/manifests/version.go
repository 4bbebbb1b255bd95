package manifests

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// builtKubeVersion is the Kubernetes version of the k8s.io/api module in go.mod (v0.X.Y is
// Kubernetes v1.X.Y); TestBuiltKubeVersionMatchesGoMod keeps it honest. DefaultKubeVersion
// prefers the module version the binary records.
const builtKubeVersion = "v1.37.2"

// DefaultKubeVersion is the Kubernetes version objects are judged for without
// --kube-version: that of the Kubernetes API types fleetaudit is built with.
func DefaultKubeVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "k8s.io/api" {
				if v, ok := kubeVersionOfAPIModule(d.Version); ok {
					return v
				}
			}
		}
	}
	return builtKubeVersion
}

// kubeVersionOfAPIModule maps a k8s.io/api module version (v0.37.2) to its Kubernetes
// version (v1.37.2).
func kubeVersionOfAPIModule(mod string) (string, bool) {
	rest, ok := strings.CutPrefix(mod, "v0.")
	if !ok {
		return "", false
	}
	if _, err := ParseKubeVersion("v1." + rest); err != nil {
		return "", false
	}
	return "v1." + rest, true
}

var kubeVersionRE = regexp.MustCompile(`^v?1\.\d+(\.\d+)?(-[0-9A-Za-z.-]+)?$`)

// ParseKubeVersion parses a --kube-version: vMAJOR.MINOR[.PATCH] (the "v" optional), major 1.
func ParseKubeVersion(s string) (*facts.Version, error) {
	if !kubeVersionRE.MatchString(s) {
		return nil, fmt.Errorf("kube version %q: want a Kubernetes version such as v1.33.0", s)
	}
	v, err := facts.ParseVersion(s)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(v.GitVersion, "v") {
		v.GitVersion = "v" + v.GitVersion
	}
	return v, nil
}
