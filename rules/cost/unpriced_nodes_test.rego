package fleetaudit.cost.unpriced_nodes_test

import data.fleetaudit.cost.unpriced_nodes as rule

test_unpriced_node_reported if {
	got := rule.warn with input as {"cluster": {"cost": {"unpriced": ["n1"], "nodes": [{"name": "n1", "instanceType": "x9.mega", "region": "us-east-1", "capacityType": "on-demand"}]}}}
	some f in got
	f.msg == "node n1 (x9.mega in us-east-1, on-demand) has no price"
}

test_lookalike_priced if {
	count(rule.warn) == 0 with input as {"cluster": {"cost": {"unpriced": [], "nodes": [{"name": "n1", "hourly": 0.1}]}}}
}
