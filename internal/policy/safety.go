package policy

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// The gate's second layer: checks that no profile, blocking severity, waiver or override can
// disable, because an upgrade that breaks them breaks the cluster whatever anyone decided.
// They run in Go, before and apart from the Rego rules a profile tunes.

// SafetyCheck names one non-waivable check.
type SafetyCheck string

// The non-waivable checks.
const (
	SafetyReleaseFormat  SafetyCheck = "release-format"
	SafetyMinorJump      SafetyCheck = "minor-jump"
	SafetyMinorDowngrade SafetyCheck = "minor-downgrade"
	SafetyKubeletSkew    SafetyCheck = "kubelet-skew"
	SafetyRemovedAPIs    SafetyCheck = "removed-apis-requested"
)

// SafetyChecks lists every non-waivable check, in the order they run.
var SafetyChecks = []SafetyCheck{SafetyReleaseFormat, SafetyMinorJump, SafetyMinorDowngrade, SafetyKubeletSkew, SafetyRemovedAPIs}

// SafetyViolation is a non-waivable check that fails, with why.
type SafetyViolation struct {
	Check   SafetyCheck `json:"check"`
	Message string      `json:"message"`
}

// Reason is the violation as a gate reason line.
func (v SafetyViolation) Reason() string {
	return fmt.Sprintf("non-waivable %s: %s", v.Check, v.Message)
}

// releaseRE is a Kubernetes release as the project tags it: v1.35.0, v1.35.0-rc.1,
// v1.36.0-alpha.2, v1.36.0-beta.0. Vendor suffixes (-eks-…, -gke.…) are builds of a cluster,
// not targets a profile can name.
var releaseRE = regexp.MustCompile(`^v1\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(alpha|beta|rc)\.(0|[1-9]\d*))?$`)

// ParseRelease parses a target Kubernetes version, which must be a release as Kubernetes tags
// them (vMAJOR.MINOR.PATCH, optionally -alpha.N, -beta.N or -rc.N).
func ParseRelease(s string) (*facts.Version, error) {
	m := releaseRE.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("%q is not a Kubernetes release such as v1.35.0 or v1.36.0-rc.1", s)
	}
	minor, _ := strconv.Atoi(m[1])
	patch, _ := strconv.Atoi(m[2])
	return &facts.Version{GitVersion: s, Major: 1, Minor: minor, Patch: patch}, nil
}

// maxKubeletLag is how many minors a kubelet may trail the API server (FACTS.md, version
// skew policy): 3, or 2 for API servers older than 1.25.
func maxKubeletLag(apiMinor int) int {
	if apiMinor < 25 {
		return 2
	}
	return 3
}

// CheckSafety runs the non-waivable checks of a move of cluster c to target. c must have its
// facts (the gate fails closed on missing ones before this).
func CheckSafety(c *facts.Cluster, target string) []SafetyViolation {
	var out []SafetyViolation
	add := func(check SafetyCheck, format string, a ...any) {
		out = append(out, SafetyViolation{Check: check, Message: fmt.Sprintf(format, a...)})
	}
	to, err := ParseRelease(target)
	if err != nil {
		add(SafetyReleaseFormat, "target %v", err)
		return out
	}
	if c.Version == nil {
		add(SafetyMinorJump, "the cluster's Kubernetes version is unknown, so the size of the move cannot be checked")
		return out
	}
	// The lowest minor among the control plane's instances is where the move starts.
	from := c.Version
	if c.Upgrade != nil {
		for _, s := range c.Upgrade.APIServers {
			if s.Version != nil && s.Version.Major == from.Major && s.Version.Minor < from.Minor {
				from = s.Version
			}
		}
	}
	switch {
	case from.Major != to.Major:
		add(SafetyMinorJump, "the control plane runs %s and the target is %s: a major version change", from.GitVersion, to.GitVersion)
	case to.Minor-from.Minor > 1:
		add(SafetyMinorJump, "the control plane would move from %s to %s, %d minor versions at once: Kubernetes upgrades the control plane one minor at a time (move to 1.%d first)",
			from.GitVersion, to.GitVersion, to.Minor-from.Minor, from.Minor+1)
	case to.Minor < from.Minor:
		add(SafetyMinorDowngrade, "the control plane runs %s and the target %s is an older minor: Kubernetes does not support minor downgrades (a rollback within the same minor is a patch change)",
			from.GitVersion, to.GitVersion)
	}
	lag := maxKubeletLag(to.Minor)
	for _, n := range c.Nodes {
		for _, kv := range []struct {
			component string
			v         *facts.Version
		}{{"kubelet", n.KubeletVersion}, {"kube-proxy", n.KubeProxyVersion}} {
			v := kv.v
			switch {
			case v == nil || v.Major != to.Major:
				continue
			case v.Minor > to.Minor:
				add(SafetyKubeletSkew, "%s %s on node %s would be newer than the API server %s", kv.component, v.GitVersion, n.Name, to.GitVersion)
			case to.Minor-v.Minor > lag:
				add(SafetyKubeletSkew, "%s %s on node %s would be %d minor versions behind the API server %s (at most %d allowed): upgrade the node first",
					kv.component, v.GitVersion, n.Name, to.Minor-v.Minor, to.GitVersion, lag)
			}
		}
	}
	if c.Upgrade != nil {
		for _, r := range c.Upgrade.RequestedDeprecatedAPIs {
			removed, err := facts.ParseVersion(r.RemovedRelease)
			if err != nil || removed.Major != to.Major {
				continue
			}
			if removed.Minor > from.Minor && removed.Minor <= to.Minor {
				gv := r.Version
				if r.Group != "" {
					gv = r.Group + "/" + r.Version
				}
				add(SafetyRemovedAPIs, "clients still request %s %s, which Kubernetes %s removes (1.%d): they will fail after the move",
					gv, r.Resource, to.GitVersion, removed.Minor)
			}
		}
	}
	return out
}
