# METADATA
# title: No resource metrics pipeline
# description: >-
#   Without an Available metrics.k8s.io API (metrics-server or an adapter) there is no
#   kubectl top, HorizontalPodAutoscalers cannot scale on CPU or memory, and the
#   VerticalPodAutoscaler has no input. Reported when the APIService
#   v1beta1.metrics.k8s.io is missing or its Available condition is not True.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/debug/debug-cluster/resource-metrics-pipeline/
# custom:
#   id: FA-OBS-001
#   reads: [observability.metricsAPI]
#   severity: medium
#   category: observability
#   controls:
#     - {framework: K8s, id: resource-metrics}
#   remediation: >-
#     Install metrics-server, or find why it is not Available (kubectl get apiservice
#     v1beta1.metrics.k8s.io -o yaml; the metrics-server pods and their Service).
package fleetaudit.observability.metrics_pipeline

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.observability as obs

api := obs.facts.metricsAPI

deny contains finding if {
	api.registered == false
	finding := {
		"msg": "no resource metrics pipeline: metrics.k8s.io is not served (no APIService v1beta1.metrics.k8s.io)",
		"resource": k8s.ref("apiregistration.k8s.io/v1", "APIService", "", api.name),
		"signal": "metrics_api",
	}
}

deny contains finding if {
	api.registered
	api.available != "True"
	finding := {
		"msg": sprintf("no resource metrics pipeline: APIService v1beta1.metrics.k8s.io (%s) is not Available: %s: %s", [object.get(api, "service", "local"), object.get(api, "reason", ""), object.get(api, "message", "")]),
		"resource": k8s.ref("apiregistration.k8s.io/v1", "APIService", "", api.name),
		"signal": "metrics_api",
	}
}
