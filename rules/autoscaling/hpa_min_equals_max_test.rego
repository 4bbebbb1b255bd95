package fleetaudit.autoscaling.hpa_min_equals_max_test

import data.fleetaudit.autoscaling.hpa_min_equals_max as rule

inp(lo, hi) := {"cluster": {"autoscaling": {"hpas": [{
	"namespace": "shop", "name": "web", "minReplicas": lo, "maxReplicas": hi,
	"target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
}]}}}

test_fixed if {
	got := rule.warn with input as inp(3, 3)
	some f in got
	f.msg == "HPA shop/web cannot change the size of Deployment web: minReplicas = maxReplicas = 3"
}

test_range if {
	count(rule.warn) == 0 with input as inp(2, 3)
}
