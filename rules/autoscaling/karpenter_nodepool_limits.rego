# METADATA
# title: Karpenter NodePool at its limits
# description: >-
#   A Karpenter NodePool stops launching nodes once what it has provisioned
#   (status.resources) reaches spec.limits: pending pods that only it can place stay
#   pending. Reported when a limited resource is at autoscaling.nodepool_limit_ratio
#   (default 0.9) of its limit or above, since the next node usually does not fit in what
#   is left.
# related_resources:
#   - ref: https://karpenter.sh/docs/concepts/nodepools/#speclimits
# custom:
#   id: FA-AS-007
#   reads: [autoscaling]
#   severity: medium
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: node-autoscaling}
#   remediation: Raise the NodePool's spec.limits, or let another NodePool take the pods.
package fleetaudit.autoscaling.karpenter_nodepool_limits

import data.fleetaudit.lib.autoscaling as hpa
import data.fleetaudit.lib.k8s

ratio := object.get(hpa.params, "nodepool_limit_ratio", 0.9)

deny contains finding if {
	some p in object.get(hpa.facts, ["karpenter", "nodePools"], [])
	full := [sprintf("%s %s of %s (%d%%)", [r, amount(r, used), amount(r, limit), round((used * 100) / limit)]) |
		some r, limit in object.get(p, "limits", {})
		limit > 0
		used := object.get(p, ["resources", r], 0)
		used >= limit * ratio
	]
	count(full) > 0
	finding := {
		"msg": sprintf("Karpenter NodePool %s is at its limits: %s", [p.name, concat(", ", sort(full))]),
		"resource": k8s.ref("karpenter.sh/v1", "NodePool", "", p.name),
	}
}

amount("cpu", x) := sprintf("%v cores", [x / 1000])

amount("memory", x) := sprintf("%vGi", [round((x * 10) / 1073741824) / 10])

amount(r, x) := sprintf("%v", [x]) if not r in {"cpu", "memory"}
