# METADATA
# title: Control plane version jump or spread
# description: >-
#   The control plane moves one minor version at a time, never down, and highly available API
#   servers stay within one minor of each other (Kubernetes version skew policy).
# related_resources:
#   - ref: https://kubernetes.io/releases/version-skew-policy/#supported-version-skew
# custom:
#   id: FA-UPG-003
#   reads: [version, upgrade]
#   severity: high
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: Upgrade through each intermediate minor version; finish a rolling control plane upgrade before starting another.
package fleetaudit.upgrade.control_plane_jump

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.versions

deny contains finding if {
	versions.profiled
	jump := versions.target.minor - versions.current.minor
	jump > 1
	finding := {
		"msg": sprintf("upgrade from %s to %s skips %d minor versions: the control plane moves one minor at a time", [versions.current.gitVersion, versions.target.gitVersion, jump - 1]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	versions.profiled
	versions.target.minor < versions.current.minor
	finding := {
		"msg": sprintf("target %s is older than the running control plane %s: downgrades are not supported", [versions.target.gitVersion, versions.current.gitVersion]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	minors := [s.version.minor | some s in input.cluster.upgrade.apiServers; s.version]
	count(minors) > 1
	max(minors) - min(minors) > 1
	finding := {
		"msg": sprintf("API server instances run minors 1.%d to 1.%d: more than one minor apart", [min(minors), max(minors)]),
		"resource": k8s.cluster_resource,
	}
}
