# METADATA
# title: Node not Ready or cordoned
# description: >-
#   A node whose Ready condition is not True cannot run new pods, and draining it during an
#   upgrade may hang. Cordoned nodes reduce the spare capacity an upgrade needs to surge.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/architecture/nodes/#condition
# custom:
#   id: FA-UPG-002
#   reads: [nodes]
#   severity: medium
#   severities: [medium, low]
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: >-
#     Find why the node is not Ready (kubectl describe node; kubelet logs), repair or replace
#     it, and uncordon nodes that are not being drained on purpose.
package fleetaudit.upgrade.node_not_ready

import data.fleetaudit.lib.k8s

params := k8s.params("nodes")

deny contains finding if {
	some node in input.cluster.nodes
	node.ready != "True"
	reasons := [sprintf("%s=%s (%s)", [c.type, c.status, c.reason]) | some c in node.conditions; c.type == "Ready"]
	finding := {
		"msg": sprintf("node %s is not Ready: %s", [node.name, concat(", ", array.concat(reasons, ["no Ready condition" | count(reasons) == 0]))]),
		"resource": k8s.node_resource(node),
	}
}

warn contains finding if {
	object.get(params, "warn_cordoned", true)
	some node in input.cluster.nodes
	node.unschedulable
	finding := {
		"msg": sprintf("node %s is cordoned (unschedulable)", [node.name]),
		"resource": k8s.node_resource(node),
		"severity": "low",
	}
}
