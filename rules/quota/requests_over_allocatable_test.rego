package fleetaudit.quota.requests_over_allocatable_test

import data.fleetaudit.quota.requests_over_allocatable as rule

inp(req_cpu, node_req_cpu) := {"cluster": {
	"nodes": [{"name": "n1", "allocatable": {"cpuMillis": 2000, "memoryBytes": 8000}}, {"name": "n2", "allocatable": {"cpuMillis": 2000, "memoryBytes": 8000}}],
	"usage": {"requests": {"cpuMillis": req_cpu, "memoryBytes": 100}, "nodes": [{"name": "n1", "requests": {"cpuMillis": node_req_cpu, "memoryBytes": 100}}]},
}}

test_cluster_over_allocatable if {
	got := rule.deny with input as inp(4500, 1000)
	some f in got
	f.msg == "pods request 4500 of CPU (millicores) but the nodes can allocate 4000"
}

test_node_over_allocatable if {
	got := rule.deny with input as inp(3000, 2500)
	some f in got
	f.resource == {"apiVersion": "v1", "kind": "Node", "name": "n1"}
}

test_lookalike_within_capacity if {
	count(rule.deny) == 0 with input as inp(4000, 2000)
}
