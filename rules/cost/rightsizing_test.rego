package fleetaudit.cost.rightsizing_test

import data.fleetaudit.cost.rightsizing as rule

w(usage) := {"namespace": "shop", "kind": "Deployment", "name": "web", "pods": 2, "requests": {"cpuMillis": 1000}, "usage": usage}

test_oversized_workload_warned if {
	got := rule.warn with input as {"cluster": {"usage": {"workloads": [w({"cpuMillis": 100})]}}}
	some f in got
	f.msg == "Deployment shop/web uses 100m CPU of 1000m requested (10%) over 2 pods"
}

test_lookalikes_busy_or_unknown_usage if {
	count(rule.warn) == 0 with input as {"cluster": {"usage": {"workloads": [w({"cpuMillis": 600})]}}}
	count(rule.warn) == 0 with input as {"cluster": {"usage": {"workloads": [object.remove(w(null), ["usage"])]}}}
}
