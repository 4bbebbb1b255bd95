# METADATA
# title: Profile update available
# description: >-
#   A newer version of the profile the cluster is held to is in the catalog; fleetaudit plan
#   shows the way there, one Kubernetes minor at a time.
# custom:
#   id: FA-DRIFT-002
#   reads: [version]
#   severity: info
#   category: drift
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: Plan the move with fleetaudit plan NAME@VERSION --catalog DIR and roll it out in waves.
package fleetaudit.drift.update_available

import data.fleetaudit.lib.bound
import data.fleetaudit.lib.k8s

warn contains finding if {
	bound.newest.version != bound.current.version
	finding := {
		"msg": sprintf("profile %s is available (Kubernetes %s); the cluster is held to %s", [bound.newest.id, bound.newest.kubernetesVersion, bound.current.id]),
		"resource": k8s.cluster_resource,
	}
}
