package fleetaudit.observability.log_agent_coverage_test

import data.fleetaudit.observability.log_agent_coverage as rule

inp(d, nodes) := {"cluster": {"observability": {"schedulableNodes": nodes, "daemonSets": [d]}}}

test_one_of_three if {
	got := rule.deny with input as inp({"namespace": "logging", "name": "fluent-bit", "desired": 3, "ready": 1}, 3)
	count(got) == 1
	some f in got
	f.msg == "log agent DaemonSet logging/fluent-bit is ready on 1 of 3 nodes (3 desired, 3 schedulable): 2 nodes without a log agent"
	f.missingNodes == 2
	f.resource == {"apiVersion": "apps/v1", "kind": "DaemonSet", "namespace": "logging", "name": "fluent-bit"}
}

test_not_desired_on_tainted_nodes if {
	got := rule.deny with input as inp({"namespace": "logging", "name": "vector", "desired": 2, "ready": 2}, 3)
	some f in got
	contains(f.msg, "ready on 2 of 3 nodes (2 desired, 3 schedulable): 1 node without")
}

test_everywhere if {
	count(rule.deny) == 0 with input as inp({"namespace": "logging", "name": "fluent-bit", "desired": 3, "ready": 3}, 3)
}

test_other_daemonsets_not_judged if {
	count(rule.deny) == 0 with input as inp({"namespace": "kube-system", "name": "kube-proxy", "desired": 3, "ready": 1}, 3)
}
