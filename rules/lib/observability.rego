# METADATA
# description: >-
#   Observability helpers: the observability facts and the DaemonSets that are log or event
#   agents (data.fleetaudit.params.observability.log_agents: globs matched against a
#   DaemonSet's name and its app.kubernetes.io/name, app or k8s-app label).
package fleetaudit.lib.observability

import data.fleetaudit.lib.k8s

params := k8s.params("observability")

facts := object.get(input.cluster, "observability", {})

default_log_agents := [
	"fluent-bit", "*-fluent-bit", "fluentbit-gke", "fluentd", "*-fluentd", "vector", "*-vector", "vector-agent",
	"promtail", "*-promtail", "grafana-agent", "*-grafana-agent", "alloy", "*-alloy",
	"datadog", "datadog-agent", "*-datadog", "opentelemetry-collector", "*-opentelemetry-collector*",
	"otel-collector", "otel-agent", "filebeat", "*-filebeat", "kubernetes-event-exporter", "event-exporter",
]

agent_patterns := object.get(params, "log_agents", default_log_agents)

is_agent(d) if {
	some pattern in agent_patterns
	some name in {d.name, object.get(d, "appName", "")}
	name != ""
	glob.match(pattern, null, name)
}

# agents are the DaemonSets that are log or event agents.
agents := [d | some d in object.get(facts, "daemonSets", []); is_agent(d)]

daemonset_resource(d) := k8s.ref("apps/v1", "DaemonSet", d.namespace, d.name)
