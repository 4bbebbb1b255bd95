package facts

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseVersion: no string makes ParseVersion panic; what it accepts has non-negative
// fields that the string begins with (after an optional "v"), and the same release written
// canonically, or with a vendor suffix, parses to the same fields. Seeds (vendor builds,
// pre-releases, malformed strings): testdata/fuzz/FuzzParseVersion.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"v1.34.4", "1.29", "v1.34.4-eks-1234abc", "v1.33.2-gke.1000", "v1.32.0+k3s1", "v1.30.4-aks-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			if v != nil {
				t.Fatalf("ParseVersion(%q) returned %+v with error %v", s, v, err)
			}
			return
		}
		if v.Major < 0 || v.Minor < 0 || v.Patch < 0 || v.GitVersion != s {
			t.Fatalf("ParseVersion(%q) = %+v", s, v)
		}
		// The string begins with MAJOR.MINOR (Kubernetes' parser allows zeros before the
		// minor: "1.030" is 1.30).
		fields := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(s), "v"), ".", 3)
		if len(fields) < 2 || leadingInt(fields[0]) != v.Major || leadingInt(fields[1]) != v.Minor {
			t.Fatalf("ParseVersion(%q) = %d.%d.%d, which the string does not begin with", s, v.Major, v.Minor, v.Patch)
		}
		for _, again := range []string{
			fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch),
			fmt.Sprintf("v%d.%d.%d-eks-1234abc", v.Major, v.Minor, v.Patch),
			fmt.Sprintf("v%d.%d.%d+k3s1", v.Major, v.Minor, v.Patch),
		} {
			w, err := ParseVersion(again)
			if err != nil || w.Major != v.Major || w.Minor != v.Minor || w.Patch != v.Patch {
				t.Fatalf("%q parses to %d.%d.%d but %q to %+v, %v", s, v.Major, v.Minor, v.Patch, again, w, err)
			}
		}
	})
}

// leadingInt is the number the digits at the start of s write (-1 for none).
func leadingInt(s string) int {
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(s)
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return -1
	}
	return n
}
