# METADATA
# title: HPA scales on a resource its target does not request
# description: >-
#   A Resource or ContainerResource metric with a Utilization target is usage over request:
#   when a container of the target has no request for that resource, the HPA cannot compute
#   it and stops scaling (ScalingActive=False, "missing request for cpu"). A limit counts as a
#   request (Kubernetes copies it). AverageValue targets need no request.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-resource-metrics
# custom:
#   id: FA-AS-003
#   reads: [autoscaling]
#   severity: medium
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: autoscaling}
#     - {framework: K8s, id: resources}
#   remediation: >-
#     Set resources.requests for the scaled resource on every container of the target (for a
#     ContainerResource metric, on the named container), or use an AverageValue target.
package fleetaudit.autoscaling.hpa_missing_requests

import data.fleetaudit.lib.autoscaling as hpa

deny contains finding if {
	some h in hpa.hpas
	missing := object.get(h, "missingRequests", [])
	count(missing) > 0
	finding := {
		"msg": sprintf("%s scales %s on utilization, but its containers lack requests: %s", [hpa.name(h), hpa.target(h), concat(", ", missing)]),
		"resource": hpa.hpa_resource(h),
	}
}
