package fleetaudit.quota.containers_without_requests_test

import data.fleetaudit.quota.containers_without_requests as rule

test_missing_requests_denied if {
	got := rule.deny with input as {"cluster": {"usage": {"namespaces": [{"name": "shop", "containersWithoutRequests": 2, "examplesWithoutRequests": ["a/c", "b/c"]}]}}}
	some f in got
	f.msg == "2 containers in namespace shop have no CPU or memory request (e.g. a/c, b/c)"
}

test_lookalike_all_requests_set if {
	count(rule.deny) == 0 with input as {"cluster": {"usage": {"namespaces": [{"name": "shop", "containersWithoutRequests": 0}]}}}
}

test_system_namespace_exempt if {
	count(rule.deny) == 0 with input as {"cluster": {"usage": {"namespaces": [{"name": "kube-system", "containersWithoutRequests": 3}]}}}
}
