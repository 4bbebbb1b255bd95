package facts

import (
	"fmt"
	"math"

	utilversion "k8s.io/apimachinery/pkg/util/version"
)

// ParseVersion parses a Kubernetes version as the API server and the kubelet report it:
// "v1.34.4", "1.29", and builds with a vendor suffix ("v1.34.4-eks-1234abc",
// "v1.33.2-gke.1000", "v1.32.0+k3s1", "v1.30.4-aks…"). It uses Kubernetes' own generic
// parser (k8s.io/apimachinery/pkg/util/version), which reads two or more numeric fields and
// leaves whatever follows them uninterpreted; GitVersion keeps s as given.
func ParseVersion(s string) (*Version, error) {
	v, err := utilversion.ParseGeneric(s)
	if err != nil {
		return nil, fmt.Errorf("parse version %q: want vMAJOR.MINOR[.PATCH] (%v)", s, err)
	}
	if v.Major() > math.MaxInt32 || v.Minor() > math.MaxInt32 || v.Patch() > math.MaxInt32 {
		return nil, fmt.Errorf("parse version %q: a field is too large to be a Kubernetes version", s)
	}
	return &Version{GitVersion: s, Major: int(v.Major()), Minor: int(v.Minor()), Patch: int(v.Patch())}, nil
}
