package fleetaudit.upgrade.drain_headroom_test

import data.fleetaudit.upgrade.drain_headroom as rule

node(name, ready) := {"name": name, "ready": ready, "unschedulable": false, "allocatable": {"cpuMillis": 2000, "memoryBytes": 1000}}

inp(reqs, ready2) := {"cluster": {
	"nodes": [node("a", "True"), node("b", ready2), node("c", "True")],
	"usage": {"nodes": [{"name": n, "requests": {"cpuMillis": cpu, "memoryBytes": 0}} | some n, cpu in reqs]},
}}

test_no_room_to_drain_denied if {
	got := rule.deny with input as inp({"a": 1800, "b": 1500, "c": 1500}, "True")
	some f in got
	f.msg == "draining a needs 1800 of CPU (millicores) elsewhere but the other nodes have 1000 spare"
}

test_lookalike_room_to_drain if {
	count(rule.deny) == 0 with input as inp({"a": 1000, "b": 500, "c": 500}, "True")
}

test_not_ready_node_gives_no_room if {
	count(rule.deny) == 1 with input as inp({"a": 1000, "b": 0, "c": 1500}, "False")
}

# needed = 1000 + 0.4 × 6000 = 3400 > spare (2000 − 500) × 2 = 3000
test_surge_headroom_from_profile if {
	inp2 := object.union(inp({"a": 1000, "b": 500, "c": 500}, "True"), {"profile": {"requirements": {"surgeHeadroom": 0.4}}})
	count(rule.deny) == 1 with input as inp2
}
