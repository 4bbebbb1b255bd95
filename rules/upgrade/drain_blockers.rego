# METADATA
# title: Workloads that block node drains
# description: >-
#   A PodDisruptionBudget that allows 0 disruptions makes every drain of its pods' nodes hang;
#   a Deployment or StatefulSet with one replica goes down while its node is drained; pending
#   pods show the cluster has no room for the pods a drain reschedules.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/run-application/configure-pdb/
# custom:
#   id: FA-UPG-005
#   reads: [upgrade, usage]
#   severity: high
#   severities: [high, medium, low]
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: >-
#     Scale the protected workload above the PDB's minimum (or relax minAvailable /
#     maxUnavailable) so at least one disruption is allowed; run two or more replicas of
#     workloads that must stay up.
package fleetaudit.upgrade.drain_blockers

import data.fleetaudit.lib.k8s

params := k8s.params("upgrade")

deny contains finding if {
	some pdb in input.cluster.upgrade.pdbs
	pdb.disruptionsAllowed == 0
	pdb.expectedPods > 0
	finding := {
		"msg": sprintf("PodDisruptionBudget %s/%s allows 0 disruptions (%d of %d pods healthy, %d required): drains will hang", [pdb.namespace, pdb.name, pdb.currentHealthy, pdb.expectedPods, pdb.desiredHealthy]),
		"resource": k8s.ref("policy/v1", "PodDisruptionBudget", pdb.namespace, pdb.name),
	}
}

warn contains finding if {
	some w in input.cluster.upgrade.workloads
	w.replicas == 1
	not w.namespace in object.get(params, "single_replica_exempt_namespaces", [])
	finding := {
		"msg": sprintf("%s %s/%s runs a single replica: it is unavailable while its node drains", [w.kind, w.namespace, w.name]),
		"resource": k8s.workload_resource(w),
		"severity": "low",
	}
}

warn contains finding if {
	n := input.cluster.usage.pendingPods
	n > 0
	finding := {
		"msg": sprintf("%d pods are pending: evicted pods may not find room during the upgrade", [n]),
		"resource": k8s.cluster_resource,
		"severity": "medium",
	}
}
