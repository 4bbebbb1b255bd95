package fleetaudit.autoscaling.karpenter_nodepool_limits_test

import data.fleetaudit.autoscaling.karpenter_nodepool_limits as rule

inp(resources) := {"cluster": {"autoscaling": {"karpenter": {"installed": true, "nodePools": [{
	"name": "default", "limits": {"cpu": 16000, "memory": 68719476736},
	"resources": resources,
}]}}}}

test_cpu_at_limit if {
	got := rule.deny with input as inp({"cpu": 16000, "memory": 34359738368, "nodes": 4})
	some f in got
	f.msg == "Karpenter NodePool default is at its limits: cpu 16 cores of 16 cores (100%)"
	f.resource == {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "name": "default"}
}

test_near_limit_by_ratio if {
	count(rule.deny) == 1 with input as inp({"cpu": 15000, "memory": 0})
	count(rule.deny) == 0 with input as inp({"cpu": 15000, "memory": 0}) with data.fleetaudit.params as {"autoscaling": {"nodepool_limit_ratio": 1}}
}

test_room_left if {
	count(rule.deny) == 0 with input as inp({"cpu": 8000, "memory": 34359738368})
}

test_no_limits if {
	count(rule.deny) == 0 with input as {"cluster": {"autoscaling": {"karpenter": {"nodePools": [{"name": "x", "resources": {"cpu": 1}}]}}}}
}
