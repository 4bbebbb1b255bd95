# METADATA
# title: Nodes without a price
# description: >-
#   No price is known for these nodes (instance type or region missing from the price table).
#   Their cost is unknown, not zero: cluster cost and budgets undercount it.
# custom:
#   id: FA-COST-005
#   reads: [cost]
#   severity: info
#   category: cost
#   controls:
#     - {framework: FinOps, id: "allocation"}
#   remediation: Add the instance type and region to a price override file (--prices).
package fleetaudit.cost.unpriced_nodes

import data.fleetaudit.lib.k8s

warn contains finding if {
	some name in input.cluster.cost.unpriced
	node := [n | some n in input.cluster.cost.nodes; n.name == name][0]
	finding := {
		"msg": sprintf("node %s (%s in %s, %s) has no price", [name, object.get(node, "instanceType", "unknown type"), object.get(node, "region", "unknown region"), node.capacityType]),
		"resource": k8s.ref("v1", "Node", "", name),
	}
}
