package fleetaudit.autoscaling.hpa_target_missing_test

import data.fleetaudit.autoscaling.hpa_target_missing as rule

hpa(found) := {"namespace": "shop", "name": "web", "target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web-v1"}, "targetFound": found}

test_missing_target if {
	got := rule.deny with input as {"cluster": {"autoscaling": {"hpas": [hpa(false)]}}}
	count(got) == 1
	some f in got
	f.msg == "HPA shop/web scales Deployment web-v1 (apps/v1), which does not exist"
	f.resource == {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "namespace": "shop", "name": "web"}
}

test_existing_target if {
	count(rule.deny) == 0 with input as {"cluster": {"autoscaling": {"hpas": [hpa(true)]}}}
}

test_unknown_kind_not_judged if {
	h := object.remove(hpa(false), ["targetFound"])
	count(rule.deny) == 0 with input as {"cluster": {"autoscaling": {"hpas": [h]}}}
}
