# METADATA
# title: Right-sizing candidate
# description: >-
#   A workload uses far less CPU than it requests (usage below
#   data.fleetaudit.params.cost.rightsizing.usage_ratio_max of requests, default 30 %). Only
#   reported when actual usage is known (metrics.k8s.io or Prometheus): usage is never guessed.
# custom:
#   id: FA-COST-004
#   reads: [usage]
#   severity: low
#   category: cost
#   controls:
#     - {framework: FinOps, id: "workload-optimization"}
#   remediation: Lower the CPU (and memory) requests towards observed use plus headroom, or use the VPA in recommendation mode.
package fleetaudit.cost.rightsizing

import data.fleetaudit.lib.k8s

params := object.get(k8s.params("cost"), "rightsizing", {})

warn contains finding if {
	some w in input.cluster.usage.workloads
	w.usage
	w.requests.cpuMillis >= object.get(params, "min_cpu_millis", 100)
	ratio := w.usage.cpuMillis / w.requests.cpuMillis
	ratio < object.get(params, "usage_ratio_max", 0.3)
	finding := {
		"msg": sprintf("%s %s/%s uses %dm CPU of %dm requested (%d%%) over %d pods", [w.kind, w.namespace, w.name, w.usage.cpuMillis, w.requests.cpuMillis, round(100 * ratio), w.pods]),
		"resource": k8s.workload_resource(w),
	}
}
