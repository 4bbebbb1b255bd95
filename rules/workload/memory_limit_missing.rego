# METADATA
# title: Containers without a memory limit
# description: >-
#   A container without a memory limit can take the node's memory until the kernel kills
#   processes of other pods. Judged on the regular containers of every workload (a
#   LimitRange default limit is not visible in the pod template).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
# custom:
#   id: FA-WL-023
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: K8s, id: resources}
#     - {framework: NSA, id: net-resource-policies}
#   remediation: Set resources.limits.memory on every container (at or a little above its request).
package fleetaudit.workload.memory_limit_missing

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.items
	places := [wl.container_place(c, "resources.limits.memory", "") |
		some c in w.pod.containers
		c.type == "container"
		not c.limits.memoryBytes
	]
	count(places) > 0
	finding := wl.finding(w, places, sprintf("%s: containers without a memory limit: %s", [wl.name(w), wl.where(places)]))
}
