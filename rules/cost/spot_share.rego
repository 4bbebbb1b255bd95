# METADATA
# title: Spot share outside the configured range
# description: >-
#   Workloads that cannot tolerate interruption (StatefulSets, or pods annotated
#   fleetaudit.io/interruption-tolerant "false") should not run on spot capacity; workloads that
#   can should use it within the configured range (data.fleetaudit.params.cost.spot, shares of
#   CPU requests).
# related_resources:
#   - ref: https://karpenter.sh/docs/concepts/nodepools/#capacity-type
# custom:
#   id: FA-COST-001
#   reads: [cost]
#   severity: medium
#   severities: [medium, low]
#   category: cost
#   controls:
#     - {framework: FinOps, id: "rate-optimization"}
#   remediation: >-
#     Keep interruption-intolerant workloads off spot nodes with node affinity on the capacity
#     type label; move tolerant workloads to spot pools to cut cost.
package fleetaudit.cost.spot_share

import data.fleetaudit.lib.k8s

params := object.get(k8s.params("cost"), "spot", {})

spot := input.cluster.cost.spot

deny contains finding if {
	spot.intolerantCpuMillis > 0
	share := spot.intolerantSpotCpuMillis / spot.intolerantCpuMillis
	share > object.get(params, "intolerant_max", 0)
	finding := {
		"msg": sprintf("%d%% of the CPU requests of interruption-intolerant workloads run on spot (at most %d%% allowed): %s", [round(100 * share), round(100 * object.get(params, "intolerant_max", 0)), concat(", ", object.get(spot, "intolerantOnSpot", []))]),
		"resource": k8s.cluster_resource,
		"share": share,
	}
}

warn contains finding if {
	spot.tolerantCpuMillis > 0
	share := spot.tolerantSpotCpuMillis / spot.tolerantCpuMillis
	lo := object.get(params, "tolerant_min", 0)
	hi := object.get(params, "tolerant_max", 1)
	not between(share, lo, hi)
	finding := {
		"msg": sprintf("%d%% of the CPU requests of interruption-tolerant workloads run on spot, outside the range %d%%-%d%%", [round(100 * share), round(100 * lo), round(100 * hi)]),
		"resource": k8s.cluster_resource,
		"severity": "low",
		"share": share,
	}
}

between(x, lo, hi) if {
	x >= lo
	x <= hi
}
