# METADATA
# title: HPA with minReplicas equal to maxReplicas
# description: >-
#   An HorizontalPodAutoscaler whose minReplicas equals maxReplicas never changes the
#   replica count: it is a fixed size that looks autoscaled, often left over from an
#   incident or a copy-paste.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
# custom:
#   id: FA-AS-004
#   reads: [autoscaling]
#   severity: low
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: autoscaling}
#   remediation: Raise maxReplicas above minReplicas, or delete the HPA and set the replicas on the workload.
package fleetaudit.autoscaling.hpa_min_equals_max

import data.fleetaudit.lib.autoscaling as hpa

warn contains finding if {
	some h in hpa.hpas
	h.minReplicas == h.maxReplicas
	finding := {
		"msg": sprintf("%s cannot change the size of %s: minReplicas = maxReplicas = %d", [hpa.name(h), hpa.target(h), h.maxReplicas]),
		"resource": hpa.hpa_resource(h),
	}
}
