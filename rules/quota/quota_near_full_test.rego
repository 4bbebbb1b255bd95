package fleetaudit.quota.quota_near_full_test

import data.fleetaudit.quota.quota_near_full as rule

inp(used) := {"cluster": {"usage": {"quotas": [{"namespace": "shop", "name": "q", "hard": {"requests.cpu": 2000, "pods": 10}, "used": used}]}}}

test_near_full_denied if {
	got := rule.deny with input as inp({"requests.cpu": 1900, "pods": 3})
	count(got) == 1
	some f in got
	f.msg == "ResourceQuota shop/q: requests.cpu is 95% used (1900 of 2000)"
}

test_lookalike_below_threshold if {
	count(rule.deny) == 0 with input as inp({"requests.cpu": 1700, "pods": 8})
}

test_threshold_from_params if {
	count(rule.deny) == 1 with input as inp({"requests.cpu": 1700, "pods": 3}) with data.fleetaudit.params as {"quota": {"near_full_ratio": 0.8}}
}
