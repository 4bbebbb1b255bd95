# METADATA
# title: Containers without CPU or memory requests
# description: >-
#   Containers without requests are BestEffort or Burstable without a reservation: the
#   scheduler packs them blindly, they are evicted first, and their cost cannot be allocated.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
# custom:
#   id: FA-QUO-003
#   reads: [usage]
#   severity: medium
#   category: quota
#   controls:
#     - {framework: NSA, id: "net-resource-policies"}
#   remediation: Set resources.requests.cpu and resources.requests.memory on every container, or a LimitRange defaultRequest.
package fleetaudit.quota.containers_without_requests

import data.fleetaudit.lib.k8s

params := k8s.params("quota")

deny contains finding if {
	some ns in input.cluster.usage.namespaces
	ns.containersWithoutRequests > 0
	not ns.name in object.get(params, "exempt_namespaces", [])
	finding := {
		"msg": sprintf("%d containers in namespace %s have no CPU or memory request (e.g. %s)", [ns.containersWithoutRequests, ns.name, concat(", ", object.get(ns, "examplesWithoutRequests", []))]),
		"resource": k8s.namespace_resource(ns.name),
	}
}
