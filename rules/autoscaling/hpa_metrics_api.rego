# METADATA
# title: HPAs scale on CPU or memory but metrics.k8s.io is not available
# description: >-
#   Resource and ContainerResource metrics come from the resource metrics API
#   (metrics.k8s.io, usually metrics-server). When its APIService is missing or not
#   Available, every HPA scaling on CPU or memory is stuck. HPAs on custom or external
#   metrics only do not need it.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/debug/debug-cluster/resource-metrics-pipeline/
# custom:
#   id: FA-AS-005
#   reads: [autoscaling, observability.metricsAPI]
#   severity: high
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: autoscaling}
#     - {framework: K8s, id: resource-metrics}
#   remediation: >-
#     Install metrics-server (or repair it: kubectl get apiservice v1beta1.metrics.k8s.io
#     shows why it is not Available).
package fleetaudit.autoscaling.hpa_metrics_api

import data.fleetaudit.lib.autoscaling as hpa
import data.fleetaudit.lib.k8s

api := input.cluster.observability.metricsAPI

users := [sprintf("%s/%s", [h.namespace, h.name]) | some h in hpa.hpas; count(hpa.resource_metrics(h)) > 0]

state := "is not served (no APIService v1beta1.metrics.k8s.io)" if api.registered == false

state := sprintf("is not Available (%s: %s)", [object.get(api, "reason", ""), object.get(api, "message", "")]) if {
	api.registered
	api.available != "True"
}

deny contains finding if {
	count(users) > 0
	finding := {
		"msg": sprintf("%d %s on CPU or memory (%s) but metrics.k8s.io %s", [count(users), verb(count(users)), concat(", ", users), state]),
		"resource": k8s.ref("apiregistration.k8s.io/v1", "APIService", "", api.name),
	}
}

verb(1) := "HPA scales"

verb(n) := "HPAs scale" if n != 1
