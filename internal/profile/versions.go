package profile

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
	utilversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Version syntax of a profile, read with the libraries the ecosystem uses (docs/profiles.md):
// Helm's github.com/Masterminds/semver/v3 for the profile's own version, chart versions and
// layer ranges, and Kubernetes' k8s.io/apimachinery/pkg/util/version for Kubernetes versions.

// Range is the range of Kubernetes versions a layer supports, in Helm's kubeVersion syntax
// (Masterminds/semver constraints): ">=1.28.0 <1.35.0", ">=1.28.0-0 <1.35.0-0", "~1.30",
// "1.29.x", "1.28 - 1.31", ">=1.28 <1.30 || >=1.32".
type Range struct {
	text string
	c    *semver.Constraints
}

// ParseRange parses a layer's Kubernetes range.
func ParseRange(s string) (*Range, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("range is empty")
	}
	c, err := semver.NewConstraint(s)
	if err != nil {
		return nil, fmt.Errorf("range %q: %v (want Helm's kubeVersion syntax, e.g. \">=1.28.0 <1.35.0\")", s, err)
	}
	return &Range{text: s, c: c}, nil
}

// String is the range as written.
func (r *Range) String() string { return r.text }

// Admits reports whether the range includes Kubernetes version v. Only v's MAJOR.MINOR.PATCH
// counts: a cluster's vendor build (v1.34.4-eks-1234abc, v1.32.0+k3s1) and a release
// candidate (v1.35.0-rc.1) are judged as the release they belong to (1.34.4, 1.32.0, 1.35.0),
// so ">=1.28.0 <1.35.0" admits v1.34.4-eks-1234abc and excludes v1.35.0-rc.1 whether or not
// the range has Helm's "-0" suffixes. (Masterminds alone would refuse every pre-release of
// a range without "-0"; Helm charts add "-0" for that reason.)
func (r *Range) Admits(v *facts.Version) bool {
	if v.Major < 0 || v.Minor < 0 || v.Patch < 0 {
		return false
	}
	return r.c.Check(semver.New(uint64(v.Major), uint64(v.Minor), uint64(v.Patch), "", ""))
}

// validVersion reports whether s is a semantic version MAJOR.MINOR.PATCH with optional
// pre-release and build (SemVer 2.0, strict: no leading zeros, no empty identifiers); a
// leading "v" is allowed when allowV.
func validVersion(s string, allowV bool) bool {
	if allowV {
		s = strings.TrimPrefix(s, "v")
	}
	_, err := semver.StrictNewVersion(s)
	return err == nil
}

// validKubernetesVersion reports whether s is a Kubernetes version vMAJOR.MINOR.PATCH (the
// "v" optional), with a pre-release or vendor build allowed (v1.35.0-rc.1,
// v1.34.4-eks-1234abc), as Kubernetes' semantic parser reads it.
func validKubernetesVersion(s string) bool {
	if s != strings.TrimSpace(s) {
		return false
	}
	_, err := utilversion.ParseSemantic(s)
	return err == nil
}
