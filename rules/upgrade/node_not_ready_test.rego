package fleetaudit.upgrade.node_not_ready_test

import data.fleetaudit.upgrade.node_not_ready

node(name, ready, unschedulable) := {
	"name": name, "ready": ready, "unschedulable": unschedulable,
	"conditions": [{"type": "Ready", "status": ready, "reason": "KubeletNotReady"}],
}

test_not_ready_node_denied if {
	got := node_not_ready.deny with input as {"cluster": {"nodes": [node("a", "False", false)]}}
	count(got) == 1
	some f in got
	f.resource == {"apiVersion": "v1", "kind": "Node", "name": "a"}
	f.msg == "node a is not Ready: Ready=False (KubeletNotReady)"
}

test_ready_node_clean if {
	inp := {"cluster": {"nodes": [node("a", "True", false)]}}
	count(node_not_ready.deny) == 0 with input as inp
	count(node_not_ready.warn) == 0 with input as inp
}

test_missing_condition_denied if {
	got := node_not_ready.deny with input as {"cluster": {"nodes": [{"name": "b", "ready": "Unknown"}]}}
	some f in got
	f.msg == "node b is not Ready: no Ready condition"
}

test_cordoned_node_warned_unless_disabled if {
	inp := {"cluster": {"nodes": [node("c", "True", true)]}}
	count(node_not_ready.warn) == 1 with input as inp
	count(node_not_ready.warn) == 0 with input as inp with data.fleetaudit.params as {"nodes": {"warn_cordoned": false}}
}
