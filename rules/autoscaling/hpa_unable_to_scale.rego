# METADATA
# title: HPA unable to scale
# description: >-
#   An HorizontalPodAutoscaler whose AbleToScale or ScalingActive condition has been False
#   for longer than autoscaling.unable_grace (default 1h) at collection time does not
#   scale: it cannot read or write the target's scale (AbleToScale), or cannot compute
#   replicas from its metrics (ScalingActive: metrics API down, missing requests, metric not
#   found). HPAs whose target does not exist are FA-AS-001's.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#appendix-horizontal-pod-autoscaler-status-conditions
# custom:
#   id: FA-AS-002
#   reads: [autoscaling, collectedAt]
#   severity: high
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: autoscaling}
#   remediation: >-
#     Read the condition's reason and message (kubectl describe hpa): serve the metrics the
#     HPA reads (metrics-server, the custom or external metrics adapter), set the requests
#     Utilization targets need, or fix the scale target.
package fleetaudit.autoscaling.hpa_unable_to_scale

import data.fleetaudit.lib.autoscaling as hpa

grace_ns := time.parse_duration_ns(object.get(hpa.params, "unable_grace", "1h"))

deny contains finding if {
	some h in hpa.hpas
	object.get(h, "targetFound", true) != false
	stuck := [sprintf("%s=False (%s) for %s: %s", [c.type, object.get(c, "reason", ""), hpa.duration(hpa.age_ns(c)), object.get(c, "message", "")]) |
		some c in object.get(h, "conditions", [])
		c.type in {"AbleToScale", "ScalingActive"}
		c.status == "False"
		hpa.age_ns(c) >= grace_ns
	]
	count(stuck) > 0
	finding := {
		"msg": sprintf("%s cannot scale %s: %s", [hpa.name(h), hpa.target(h), concat("; ", stuck)]),
		"resource": hpa.hpa_resource(h),
	}
}
