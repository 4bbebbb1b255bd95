# METADATA
# title: No log agent
# description: >-
#   Without a node log agent (a DaemonSet such as fluent-bit, Fluentd, Vector, Promtail,
#   Grafana Alloy, the Datadog or OpenTelemetry agent) container logs live only on the
#   nodes, rotated away within hours and lost with the node. The agents are recognised by
#   the globs of observability.log_agents against a DaemonSet's name and app label.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/cluster-administration/logging/#cluster-level-logging-architectures
# custom:
#   id: FA-OBS-003
#   reads: [observability.daemonSets]
#   severity: medium
#   category: observability
#   controls:
#     - {framework: K8s, id: logging}
#     - {framework: NSA, id: audit-logging}
#   remediation: >-
#     Deploy a log agent as a DaemonSet on every node, or add its name to
#     observability.log_agents if yours is called otherwise.
package fleetaudit.observability.log_agent_missing

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.observability as obs

deny contains finding if {
	is_array(obs.facts.daemonSets)
	count(obs.agents) == 0
	finding := {
		"msg": sprintf("no log agent: none of the %d DaemonSets is a known log or event agent (observability.log_agents)", [count(object.get(obs.facts, "daemonSets", []))]),
		"resource": k8s.cluster_resource,
		"signal": "log_agent",
	}
}
