package profile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

func kv(t testing.TB, s string) *facts.Version {
	t.Helper()
	v, err := facts.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRangeAdmits pins the range semantics: the ranges profiles used before (space-separated
// >=, >, <=, <, = on MAJOR.MINOR.PATCH, Helm's "-0" suffix) keep their meaning, vendor builds
// and pre-releases are judged as their release, and Helm's further syntax works.
func TestRangeAdmits(t *testing.T) {
	for _, c := range []struct {
		rng      string
		admitted []string
		excluded []string
	}{
		// Ranges of the old hand-written parser: same answers.
		{">=1.28.0 <1.35.0", []string{"v1.28.0", "v1.34.9", "v1.34.4-eks-1234abc", "v1.33.2-gke.1000", "v1.32.0+k3s1", "v1.30.4-aks-20240801", "v1.34.0-rc.1"}, []string{"v1.27.9", "v1.35.0", "v1.35.0-rc.1", "v1.35.1-eks-1"}},
		{">=1.28.0-0 <1.35.0-0", []string{"v1.28.0", "v1.28.0-eks-1", "v1.34.9"}, []string{"v1.27.9", "v1.35.0", "v1.35.0-rc.1"}},
		{">1.28.0 <=1.30.0", []string{"v1.28.1", "v1.30.0"}, []string{"v1.28.0", "v1.30.1"}},
		{"=1.29.3", []string{"v1.29.3", "v1.29.3-gke.1"}, []string{"v1.29.2", "v1.29.4"}},
		{">=v1.28.0", []string{"v1.28.0", "v2.0.0"}, []string{"v1.27.0"}},
		// Helm's further syntax (new): partial versions, ~, ^, x, hyphen ranges, ||, commas.
		{">=1.28", []string{"v1.28.0", "v1.40.1"}, []string{"v1.27.99"}},
		{"<=1.30", []string{"v1.30.9"}, []string{"v1.31.0"}},
		{"~1.30", []string{"v1.30.0", "v1.30.7-eks-1"}, []string{"v1.31.0", "v1.29.9"}},
		{"1.29.x", []string{"v1.29.0", "v1.29.12"}, []string{"v1.30.0"}},
		{"1.28 - 1.31", []string{"v1.28.0", "v1.31.5"}, []string{"v1.27.0", "v1.32.0"}},
		{">=1.28.0 <1.30.0 || >=1.32.0", []string{"v1.29.1", "v1.33.0"}, []string{"v1.30.0", "v1.31.9"}},
		{">=1.28.0, <1.35.0", []string{"v1.34.0"}, []string{"v1.35.0"}},
	} {
		r, err := ParseRange(c.rng)
		if err != nil {
			t.Errorf("ParseRange(%q): %v", c.rng, err)
			continue
		}
		for _, v := range c.admitted {
			if !r.Admits(kv(t, v)) {
				t.Errorf("%q should admit %s", c.rng, v)
			}
		}
		for _, v := range c.excluded {
			if r.Admits(kv(t, v)) {
				t.Errorf("%q should exclude %s", c.rng, v)
			}
		}
	}
}

func TestBadRanges(t *testing.T) {
	for _, s := range []string{"", "  ", "1.28+", ">=1.28.0 <", "latest", ">=one", "1.28.0 - ", ">>1.2"} {
		if r, err := ParseRange(s); err == nil {
			t.Errorf("ParseRange(%q) = %v, want an error", s, r)
		} else if s != "" && strings.TrimSpace(s) != "" && !strings.Contains(err.Error(), fmt.Sprintf("range %q", s)) {
			t.Errorf("ParseRange(%q): error %q does not quote the range", s, err)
		}
	}
}

func TestVersionSyntax(t *testing.T) {
	for s, want := range map[string]bool{
		"1.2.3": true, "1.2.3-rc.1": true, "1.2.3+build.5": true, "0.0.0": true,
		"v1.2.3": false, "1.2": false, "01.2.3": false, "1.2.3-01": false, "1.2.3-a..b": false, "1.2.3+": false,
	} {
		if got := validVersion(s, false); got != want {
			t.Errorf("validVersion(%q) = %v, want %v", s, got, want)
		}
	}
	if !validVersion("v1.16.3", true) || validVersion("stable", true) {
		t.Error("chart versions take an optional v")
	}
	for s, want := range map[string]bool{
		"v1.35.0": true, "1.35.0": true, "v1.35.0-rc.1": true, "v1.34.4-eks-1234abc": true, "v1.33.2-gke.1000": true, "v1.32.0+k3s1": true,
		"v1.35": false, "latest": false, " v1.35.0": false, "v1.35.0 ": false, "v01.35.0": false,
	} {
		if got := validKubernetesVersion(s); got != want {
			t.Errorf("validKubernetesVersion(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzRange: no range makes ParseRange or Admits panic; an accepted range, written back
// with Masterminds' String, parses again and gives the same answers; a vendor build or
// release candidate is judged as its release. Seeds: testdata/fuzz/FuzzRange.
func FuzzRange(f *testing.F) {
	for _, s := range []string{">=1.28.0 <1.35.0", ">=1.28.0-0 <1.35.0-0", "~1.30", "1.28 - 1.31 || >=1.33", "1.29.x"} {
		f.Add(s, uint16(1), uint16(30), uint16(2))
	}
	f.Fuzz(func(t *testing.T, s string, major, minor, patch uint16) {
		r, err := ParseRange(s)
		if err != nil {
			return
		}
		again, err := ParseRange(r.c.String())
		if err != nil {
			t.Fatalf("range %q written back as %q does not parse: %v", s, r.c.String(), err)
		}
		release := &facts.Version{Major: int(major), Minor: int(minor), Patch: int(patch)}
		want := r.Admits(release)
		if again.Admits(release) != want {
			t.Fatalf("range %q and its String %q disagree on %d.%d.%d", s, r.c.String(), major, minor, patch)
		}
		for _, build := range []string{"v%d.%d.%d-eks-1234abc", "v%d.%d.%d+k3s1", "v%d.%d.%d-rc.1"} {
			v := kv(t, fmt.Sprintf(build, major, minor, patch))
			if r.Admits(v) != want {
				t.Fatalf("range %q: %s judged unlike %d.%d.%d", s, v.GitVersion, major, minor, patch)
			}
		}
	})
}
