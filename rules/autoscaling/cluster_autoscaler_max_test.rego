package fleetaudit.autoscaling.cluster_autoscaler_max_test

import data.fleetaudit.autoscaling.cluster_autoscaler_max as rule

inp(target) := {"cluster": {"autoscaling": {"clusterAutoscaler": {
	"namespace": "kube-system", "name": "cluster-autoscaler", "status": "yaml",
	"nodeGroups": [{"name": "ng-a", "health": "Healthy", "ready": target, "registered": target, "target": target, "minSize": 1, "maxSize": 5}],
}}}}

test_at_max if {
	got := rule.deny with input as inp(5)
	some f in got
	f.msg == "cluster autoscaler node group ng-a is at its maximum size (5 of max 5, 5 ready): it cannot add nodes"
	f.resource == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "kube-system", "name": "cluster-autoscaler"}
}

test_below_max if {
	count(rule.deny) == 0 with input as inp(4)
}

test_no_cluster_autoscaler if {
	count(rule.deny) == 0 with input as {"cluster": {"autoscaling": {"hpas": []}}}
}
