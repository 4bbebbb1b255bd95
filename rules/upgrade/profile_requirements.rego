# METADATA
# title: Cluster does not meet the profile's requirements
# description: >-
#   Checks of the target ClusterProfile: every layer (CNI, CSI, add-on chart) must support the
#   target Kubernetes version; compliance scores must reach the profile's minimum per
#   framework; the projected monthly cost must stay within the profile's budget.
# custom:
#   id: FA-UPG-008
#   reads: [version, cost]
#   severity: high
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: >-
#     Pick layer chart versions whose supported Kubernetes range includes the target, fix the
#     compliance findings that lower the score, or reduce cost (or revise the profile).
package fleetaudit.upgrade.profile_requirements

import data.fleetaudit.lib.k8s

profile := input.profile

deny contains finding if {
	some layer in profile.layers
	layer.admitsTarget == false
	finding := {
		"msg": sprintf("layer %s (%s chart %s %s) supports Kubernetes %s, not the target %s", [layer.name, layer.type, layer.chart.name, layer.chart.version, layer.kubernetes, profile.target.gitVersion]),
		"resource": object.union(k8s.ref("fleetaudit.io/v1alpha1", "ClusterProfile", "", profile.name), {"fieldPath": sprintf("spec.layers[name=%s]", [layer.name])}),
	}
}

deny contains finding if {
	some fw, minimum in object.get(profile.requirements, "minCompliance", {})
	score := input.scores[fw]
	score.ratio < minimum
	finding := {
		"msg": sprintf("%s compliance %d%% (%d of %d) is below the profile's minimum %d%%", [fw, round(100 * score.ratio), score.passed, score.evaluated, round(100 * minimum)]),
		"resource": object.union(k8s.cluster_resource, {"fieldPath": sprintf("scores.%s", [fw])}),
	}
}

deny contains finding if {
	some fw, minimum in object.get(profile.requirements, "minCompliance", {})
	not input.scores[fw]
	finding := {
		"msg": sprintf("no %s compliance score (its facts were not collected): the profile requires %d%%", [fw, round(100 * minimum)]),
		"resource": object.union(k8s.cluster_resource, {"fieldPath": sprintf("scores.%s", [fw])}),
	}
}

deny contains finding if {
	budget := object.get(profile.requirements, "monthlyBudget", 0)
	budget > 0
	monthly := input.cluster.cost.monthly
	monthly > budget
	finding := {
		"msg": sprintf("projected monthly cost %s USD is over the profile's budget of %s USD", [k8s.money(monthly), k8s.money(budget)]),
		"resource": k8s.cluster_resource,
	}
}
