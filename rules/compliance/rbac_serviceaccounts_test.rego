package fleetaudit.compliance.rbac_serviceaccounts_test

import data.fleetaudit.compliance.rbac_serviceaccounts as rule

sas(list) := {"cluster": {"rbac": {"roles": {}, "subjects": [], "serviceAccounts": list}}}

test_default_sa_in_use_flagged if {
	got := rule.deny with input as sas([{"namespace": "shop", "name": "default", "pods": 2, "podsWithToken": 2, "examplePods": ["a", "b"], "exists": true}])
	some f in got
	f.msg == "2 pods in namespace shop run as the default ServiceAccount (e.g. a, b)"
}

test_lookalike_dedicated_sa_not_flagged if {
	count(rule.deny) == 0 with input as sas([
		{"namespace": "shop", "name": "cart", "pods": 2, "podsWithToken": 2, "exists": true},
		{"namespace": "shop", "name": "default", "pods": 0, "podsWithToken": 0, "exists": true},
	])
}

test_kube_system_exempt if {
	count(rule.deny) == 0 with input as sas([{"namespace": "kube-system", "name": "default", "pods": 1, "podsWithToken": 1, "examplePods": ["x"], "exists": true}])
}
