# METADATA
# title: VPA and HPA scale the same workload on the same resource
# description: >-
#   A VerticalPodAutoscaler that updates pods (updateMode not Off) and an
#   HorizontalPodAutoscaler scaling on CPU or memory utilization of the same target fight:
#   the VPA raises the request the HPA divides usage by, so the HPA sees utilization fall
#   and scales in, and the other way round. The VPA's default mode is Recreate.
# related_resources:
#   - ref: https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#known-limitations
# custom:
#   id: FA-AS-006
#   reads: [autoscaling]
#   severity: medium
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: autoscaling}
#   remediation: >-
#     Let the HPA scale on a custom or external metric, narrow the VPA's
#     controlledResources to the other resource, or set the VPA's updateMode to Off
#     (recommendations only).
package fleetaudit.autoscaling.vpa_hpa_conflict

import data.fleetaudit.lib.autoscaling as hpa

deny contains finding if {
	some v in object.get(hpa.facts, ["vpa", "items"], [])
	v.updateMode != "Off"
	some h in hpa.hpas
	h.namespace == v.namespace
	h.target.kind == v.target.kind
	h.target.name == v.target.name
	both := hpa.resource_metrics(h) & {r | some r in v.controlledResources}
	count(both) > 0
	finding := {
		"msg": sprintf("VPA %s/%s (updateMode %s) and %s both scale %s on %s", [v.namespace, v.name, v.updateMode, hpa.name(h), hpa.target(h), concat(", ", sort(both))]),
		"resource": hpa.hpa_resource(h),
	}
}
