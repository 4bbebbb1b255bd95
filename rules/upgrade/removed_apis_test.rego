package fleetaudit.upgrade.removed_apis_test

import data.fleetaudit.upgrade.removed_apis as rule

v(minor) := {"gitVersion": sprintf("v1.%d.0", [minor]), "major": 1, "minor": minor, "patch": 0}

table := [
	{"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3", "kinds": ["FlowSchema"], "removedIn": "1.32", "replacement": "flowcontrol.apiserver.k8s.io/v1"},
	{"group": "policy", "version": "v1beta1", "kinds": ["PodDisruptionBudget"], "removedIn": "1.25", "replacement": "policy/v1"},
]

use := {"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3", "kind": "FlowSchema", "name": "fs", "source": "managedFields:kubectl"}

test_removed_in_target_denied if {
	got := rule.deny with input as {"cluster": {"version": v(31), "upgrade": {"apiUse": [use]}}} with data.fleetaudit.removed_apis as table
	some f in got
	f.msg == "FlowSchema fs was written as flowcontrol.apiserver.k8s.io/v1beta3 (managedFields:kubectl), which is removed in 1.32: use flowcontrol.apiserver.k8s.io/v1"
}

test_lookalike_current_version_or_later_removal_not_denied if {
	current := object.union(use, {"version": "v1"})
	count(rule.deny) == 0 with input as {"cluster": {"version": v(31), "upgrade": {"apiUse": [current]}}} with data.fleetaudit.removed_apis as table
	count(rule.deny) == 0 with input as {"cluster": {"version": v(29), "upgrade": {"apiUse": [use]}}} with data.fleetaudit.removed_apis as table
}

test_profile_target_range if {
	inp := {"cluster": {"version": v(29), "upgrade": {"apiUse": [use]}}, "profile": {"target": v(32)}}
	count(rule.deny) == 1 with input as inp with data.fleetaudit.removed_apis as table
}

test_already_removed_is_a_warning if {
	old := {"group": "policy", "version": "v1beta1", "kind": "PodDisruptionBudget", "namespace": "web", "name": "pdb", "source": "last-applied"}
	got := rule.warn with input as {"cluster": {"version": v(34), "upgrade": {"apiUse": [old]}}} with data.fleetaudit.removed_apis as table
	some f in got
	f.resource == {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "namespace": "web", "name": "pdb"}
}

test_requested_metric if {
	inp := {"cluster": {"version": v(31), "upgrade": {"apiUse": [], "requestedDeprecatedApis": [{"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3", "resource": "flowschemas", "removedRelease": "1.32"}]}}}
	some f in rule.deny with input as inp
	f.msg == "clients still request flowcontrol.apiserver.k8s.io/v1beta3 flowschemas, which is removed in 1.32"
}
