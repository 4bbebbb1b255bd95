# METADATA
# title: Requests exceed allocatable capacity
# description: >-
#   The pods' requests add up to more than the nodes can allocate, in the whole cluster or on
#   one node: pods stay Pending, and there is no room to drain a node.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/
# custom:
#   id: FA-QUO-004
#   reads: [nodes, usage]
#   severity: high
#   category: quota
#   controls:
#     - {framework: NSA, id: "net-resource-policies"}
#   remediation: Add nodes (or let the autoscaler), or lower requests that exceed use.
package fleetaudit.quota.requests_over_allocatable

import data.fleetaudit.lib.k8s

allocatable(res) := sum([n.allocatable[res] | some n in input.cluster.nodes])

fields := {"cpuMillis": "CPU (millicores)", "memoryBytes": "memory (bytes)"}

deny contains finding if {
	some field, label in fields
	requested := input.cluster.usage.requests[field]
	alloc := allocatable(field)
	requested > alloc
	finding := {"msg": sprintf("pods request %d of %s but the nodes can allocate %d", [requested, label, alloc]), "resource": k8s.cluster_resource}
}

deny contains finding if {
	nodes := {n.name: n | some n in input.cluster.nodes}
	some nu in input.cluster.usage.nodes
	some field, label in fields
	alloc := nodes[nu.name].allocatable[field]
	nu.requests[field] > alloc
	finding := {
		"msg": sprintf("pods on node %s request %d of %s, more than its allocatable %d", [nu.name, nu.requests[field], label, alloc]),
		"resource": k8s.ref("v1", "Node", "", nu.name),
	}
}
