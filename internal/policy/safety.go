package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

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
var releaseRE = regexp.MustCompile(`^v1\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})(-(alpha|beta|rc)\.(0|[1-9]\d{0,3}))?$`)

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

// MaxKubeletLag is how many minors a kubelet may trail the API server (version skew policy,
// KEP-3935): 3 from Kubernetes 1.28, 2 before (as rule FA-UPG-001 has it).
func MaxKubeletLag(apiMinor int) int {
	if apiMinor < 28 {
		return 2
	}
	return 3
}

// CheckSafety runs the non-waivable checks of a move of cluster c to target, under a profile
// whose own Kubernetes version is profileTarget. c must have its facts (the gate fails closed
// on missing ones before this).
func CheckSafety(c *facts.Cluster, target, profileTarget string) []SafetyViolation {
	var out []SafetyViolation
	add := func(check SafetyCheck, format string, a ...any) {
		out = append(out, SafetyViolation{Check: check, Message: fmt.Sprintf(format, a...)})
	}
	to, err := ParseRelease(target)
	if err != nil {
		add(SafetyReleaseFormat, "target %v", err)
		return out
	}
	if prerelease := strings.Contains(target, "-"); prerelease && !strings.Contains(profileTarget, "-") {
		add(SafetyReleaseFormat, "target %s is a pre-release, and the profile targets the release %s: a pre-release reaches only clusters whose profile targets one", target, profileTarget)
		return out
	}
	if c.Version == nil {
		add(SafetyMinorJump, "the cluster's Kubernetes version is unknown, so the size of the move cannot be checked")
		return out
	}
	from := ControlPlaneFloor(c)
	switch {
	case from.Major != to.Major:
		add(SafetyMinorJump, "the control plane runs %s, whose major version is not the target's 1: fleetaudit cannot judge the move", from.GitVersion)
	case to.Minor-from.Minor > 1:
		add(SafetyMinorJump, "the control plane would move from %s to %s, %d minor versions at once: Kubernetes upgrades the control plane one minor at a time (move to 1.%d first)",
			from.GitVersion, to.GitVersion, to.Minor-from.Minor, from.Minor+1)
	case to.Minor < from.Minor:
		add(SafetyMinorDowngrade, "the control plane runs %s and the target %s is an older minor: Kubernetes does not support minor downgrades (a rollback within the same minor is a patch change)",
			from.GitVersion, to.GitVersion)
	}
	lag := MaxKubeletLag(to.Minor)
	for _, n := range c.Nodes {
		for _, kv := range []struct {
			component string
			v         *facts.Version
		}{{"kubelet", n.KubeletVersion}, {"kube-proxy", n.KubeProxyVersion}} {
			v := kv.v
			switch {
			case v == nil && kv.component == "kubelet":
				add(SafetyKubeletSkew, "the kubelet version of node %s is unknown, so its skew after the move cannot be checked (fail closed)", n.Name)
			case v == nil: // kube-proxy is optional (a CNI may replace it)
				continue
			case v.Major != to.Major:
				add(SafetyKubeletSkew, "%s %s on node %s has another major version than the target %s", kv.component, v.GitVersion, n.Name, to.GitVersion)
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

// ControlPlaneFloor is the lowest version among the control plane's API server instances (the
// cluster's version when none is known): where a move starts, and what kubelets must not
// outrun.
func ControlPlaneFloor(c *facts.Cluster) *facts.Version {
	from := c.Version
	if c.Upgrade != nil && from != nil {
		for _, s := range c.Upgrade.APIServers {
			if s.Version != nil && s.Version.Major == from.Major && s.Version.Minor < from.Minor {
				from = s.Version
			}
		}
	}
	return from
}
