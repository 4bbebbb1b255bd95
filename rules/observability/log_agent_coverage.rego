# METADATA
# title: Log agent not ready on every node
# description: >-
#   A log agent DaemonSet that is not ready on every schedulable (not cordoned) node loses
#   the logs of the nodes it misses. Reported with the number of nodes without a ready
#   agent: the larger of the DaemonSet's desired count and the schedulable nodes, minus its
#   ready pods (a DaemonSet that does not tolerate a node's taints is not desired there, and
#   still misses it).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/
# custom:
#   id: FA-OBS-004
#   reads: [observability.daemonSets, observability.schedulableNodes]
#   severity: medium
#   category: observability
#   controls:
#     - {framework: K8s, id: logging}
#     - {framework: NSA, id: audit-logging}
#   remediation: >-
#     Find why the agent is not ready (kubectl -n NS describe daemonset NAME; its pods'
#     events) and give it tolerations for every node taint.
package fleetaudit.observability.log_agent_coverage

import data.fleetaudit.lib.observability as obs

deny contains finding if {
	nodes := object.get(obs.facts, "schedulableNodes", 0)
	some d in obs.agents
	want := max([d.desired, nodes])
	d.ready < want
	finding := {
		"msg": sprintf("log agent DaemonSet %s/%s is ready on %d of %d nodes (%d desired, %d schedulable): %d %s without a log agent", [d.namespace, d.name, d.ready, want, d.desired, nodes, want - d.ready, noun(want - d.ready, "node")]),
		"resource": obs.daemonset_resource(d),
		"signal": "log_agent",
		"missingNodes": want - d.ready,
	}
}

noun(1, word) := word

noun(n, word) := concat("", [word, "s"]) if n != 1
