# METADATA
# title: Containers without CPU or memory requests
# description: >-
#   Without requests the scheduler places the pod blind, the pod is the first evicted under
#   memory pressure, and its cost cannot be allocated. Judged on the regular containers of
#   every workload; a container with a limit but no request counts as requesting its limit
#   (Kubernetes defaults the request to the limit). A LimitRange default is not visible in
#   the pod template: FA-QUO-002 reports namespaces without one.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
# custom:
#   id: FA-WL-022
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: K8s, id: resources}
#     - {framework: NSA, id: net-resource-policies}
#   remediation: Set resources.requests.cpu and resources.requests.memory on every container.
package fleetaudit.workload.requests_missing

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.items
	places := [wl.container_place(c, "resources.requests", sprintf("no %s request", [concat(" or ", missing)])) |
		some c in w.pod.containers
		c.type == "container"
		missing := [r | some r, f in fields; not c.requests[f]; not c.limits[f]]
		count(missing) > 0
	]
	count(places) > 0
	finding := wl.finding(w, places, sprintf("%s: containers without CPU or memory requests: %s", [wl.name(w), wl.where(places)]))
}

fields := {"cpu": "cpuMillis", "memory": "memoryBytes"}
