# METADATA
# title: Not enough spare capacity to drain a node
# description: >-
#   Rolling an upgrade drains nodes one at a time: the pods of the busiest node must fit in
#   the spare allocatable of the other Ready, schedulable nodes, plus the profile's surge
#   headroom (a share of the cluster's allocatable).
# custom:
#   id: FA-UPG-007
#   reads: [nodes, usage]
#   severity: medium
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: Add a node (or surge capacity in the node pool) before the upgrade, or lower requests.
package fleetaudit.upgrade.drain_headroom

import data.fleetaudit.lib.k8s

requests := {nu.name: nu.requests | some nu in input.cluster.usage.nodes}

req(node, field) := object.get(object.get(requests, node.name, {}), field, 0)

usable(node) if {
	node.ready == "True"
	not node.unschedulable
}

surge := object.get(object.get(object.get(input, "profile", {}), "requirements", {}), "surgeHeadroom", 0)

fields := {"cpuMillis": "CPU (millicores)", "memoryBytes": "memory (bytes)"}

deny contains finding if {
	count(input.cluster.nodes) > 1
	some field, label in fields
	busiest := max([req(n, field) | some n in input.cluster.nodes])
	busiest > 0
	some b in input.cluster.nodes
	req(b, field) == busiest
	spare := sum([(n.allocatable[field] - req(n, field)) | some n in input.cluster.nodes; n.name != b.name; usable(n)])
	needed := busiest + (surge * sum([n.allocatable[field] | some n in input.cluster.nodes]))
	spare < needed
	finding := {
		"msg": sprintf("draining %s needs %d of %s elsewhere but the other nodes have %d spare", [b.name, round(needed), label, spare]),
		"resource": k8s.ref("v1", "Node", "", b.name),
	}
}
