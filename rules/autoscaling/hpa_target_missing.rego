# METADATA
# title: HPA target does not exist
# description: >-
#   An HorizontalPodAutoscaler whose scaleTargetRef names a Deployment, StatefulSet or
#   ReplicaSet that does not exist scales nothing: the workload it was meant for (renamed,
#   or deleted and recreated under another name) runs at a fixed size. Targets of other kinds
#   (custom resources with a scale subresource) are not judged.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
# custom:
#   id: FA-AS-001
#   reads: [autoscaling]
#   severity: high
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: autoscaling}
#   remediation: >-
#     Point spec.scaleTargetRef at the workload's current name, or delete the HPA if the
#     workload is gone.
package fleetaudit.autoscaling.hpa_target_missing

import data.fleetaudit.lib.autoscaling as hpa

deny contains finding if {
	some h in hpa.hpas
	h.targetFound == false
	finding := {
		"msg": sprintf("%s scales %s (%s), which does not exist", [hpa.name(h), hpa.target(h), h.target.apiVersion]),
		"resource": hpa.hpa_resource(h),
	}
}
