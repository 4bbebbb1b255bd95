# METADATA
# title: Idle cost share too high
# description: >-
#   The share of the cluster's node cost that no pod's allocation (max of request and usage)
#   covers is above data.fleetaudit.params.cost.idle_share_max (default 50 %).
# related_resources:
#   - ref: https://www.opencost.io/docs/specification
# custom:
#   id: FA-COST-003
#   reads: [cost]
#   severity: medium
#   category: cost
#   controls:
#     - {framework: FinOps, id: "workload-optimization"}
#   remediation: Consolidate onto fewer or smaller nodes (cluster autoscaler or Karpenter consolidation).
package fleetaudit.cost.idle_share

import data.fleetaudit.lib.k8s

warn contains finding if {
	cost := input.cluster.cost
	cost.hourly > 0
	share := cost.idleHourly / cost.hourly
	share > object.get(k8s.params("cost"), "idle_share_max", 0.5)
	finding := {
		"msg": sprintf("%d%% of the node cost is idle (%s of %s USD per hour)", [round(100 * share), k8s.rate(cost.idleHourly), k8s.rate(cost.hourly)]),
		"resource": k8s.cluster_resource,
		"share": share,
	}
}
