package fleetaudit.quota.namespace_guardrails_test

import data.fleetaudit.quota.namespace_guardrails as rule

inp(quotas, lrs) := {"cluster": {"usage": {
	"namespaces": [{"name": "shop", "pods": 2}, {"name": "kube-system", "pods": 5}, {"name": "empty", "pods": 0}],
	"quotas": quotas,
	"limitRanges": lrs,
}}}

test_unguarded_namespace_warned_twice if {
	got := rule.warn with input as inp([], [])
	count(got) == 2
	every f in got {
		f.resource == {"apiVersion": "v1", "kind": "Namespace", "name": "shop"}
	}
}

test_lookalike_guarded_namespace_clean if {
	count(rule.warn) == 0 with input as inp([{"namespace": "shop", "name": "q"}], [{"namespace": "shop", "name": "l", "defaultRequests": true}])
}

test_limitrange_without_defaults_still_warned if {
	count(rule.warn) == 1 with input as inp([{"namespace": "shop", "name": "q"}], [{"namespace": "shop", "name": "l", "defaultRequests": false}])
}
