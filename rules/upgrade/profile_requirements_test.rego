package fleetaudit.upgrade.profile_requirements_test

import data.fleetaudit.upgrade.profile_requirements as rule

v(minor) := {"gitVersion": sprintf("v1.%d.0", [minor]), "major": 1, "minor": minor, "patch": 0}

# admitsTarget is what internal/profile computes from the range for the target (Go reads
# Helm's range syntax; its cases are tested in internal/profile).
layer(target) := {"name": "cilium", "type": "cni", "chart": {"name": "cilium", "version": "1.16.3"}, "kubernetes": ">=1.27.0 <1.35.0", "admitsTarget": target < 35}

prof(target, reqs) := {"name": "edge", "target": v(target), "layers": [layer(target)], "requirements": reqs}

test_layer_excluding_target_denied if {
	got := rule.deny with input as {"cluster": {}, "profile": prof(35, {}), "scores": {}}
	some f in got
	f.msg == "layer cilium (cni chart cilium 1.16.3) supports Kubernetes >=1.27.0 <1.35.0, not the target v1.35.0"
	f.resource == {"apiVersion": "fleetaudit.io/v1alpha1", "kind": "ClusterProfile", "name": "edge", "fieldPath": "spec.layers[name=cilium]"}
}

test_lookalike_layer_supporting_target if {
	count(rule.deny) == 0 with input as {"cluster": {}, "profile": prof(34, {}), "scores": {}}
}

test_lookalike_layer_without_range if {
	open := object.remove(layer(35), ["kubernetes", "admitsTarget"])
	count(rule.deny) == 0 with input as {"cluster": {}, "profile": object.union(prof(35, {}), {"layers": [open]}), "scores": {}}
}

test_compliance_below_minimum_and_missing if {
	inp := {"cluster": {}, "profile": prof(34, {"minCompliance": {"rbac": 0.9, "cis": 0.5}}), "scores": {"rbac": {"passed": 16, "evaluated": 20, "ratio": 0.8}}}
	got := rule.deny with input as inp
	count(got) == 2
	some f in got
	f.msg == "rbac compliance 80% (16 of 20) is below the profile's minimum 90%"
}

test_budget if {
	inp := {"cluster": {"cost": {"monthly": 1200}}, "profile": prof(34, {"monthlyBudget": 1000}), "scores": {}}
	count(rule.deny) == 1 with input as inp
	inp2 := {"cluster": {"cost": {"monthly": 900}}, "profile": prof(34, {"monthlyBudget": 1000}), "scores": {}}
	count(rule.deny) == 0 with input as inp2
}
