# METADATA
# title: ResourceQuota nearly used up
# description: >-
#   A ResourceQuota resource is used at or above data.fleetaudit.params.quota.near_full_ratio
#   (default 90 %). New pods, rollouts and scale-ups in the namespace will be refused soon.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/policy/resource-quotas/
# custom:
#   id: FA-QUO-001
#   reads: [usage]
#   severity: medium
#   category: quota
#   controls:
#     - {framework: NSA, id: "net-resource-policies"}
#   remediation: Raise the quota, or reduce the namespace's requests (right-size, remove idle workloads).
package fleetaudit.quota.quota_near_full

import data.fleetaudit.lib.k8s

params := k8s.params("quota")

deny contains finding if {
	some q in input.cluster.usage.quotas
	some name, hard in q.hard
	hard > 0
	used := object.get(q.used, name, 0)
	ratio := used / hard
	ratio >= object.get(params, "near_full_ratio", 0.9)
	finding := {
		"msg": sprintf("ResourceQuota %s/%s: %s is %d%% used (%d of %d)", [q.namespace, q.name, name, round(100 * ratio), used, hard]),
		"resource": k8s.ref("v1", "ResourceQuota", q.namespace, q.name),
		"namespace": q.namespace,
		"ratio": ratio,
	}
}
