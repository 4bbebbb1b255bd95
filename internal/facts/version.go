package facts

import (
	"fmt"
	"regexp"
	"strconv"
)

var versionRE = regexp.MustCompile(`^v?(\d+)\.(\d+)(?:\.(\d+))?`)

// ParseVersion parses a Kubernetes version such as "v1.34.4", "v1.30.2-eks-1234" or "1.29".
func ParseVersion(s string) (*Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("parse version %q: want vMAJOR.MINOR[.PATCH]", s)
	}
	v := &Version{GitVersion: s}
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	return v, nil
}
