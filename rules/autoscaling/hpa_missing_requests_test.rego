package fleetaudit.autoscaling.hpa_missing_requests_test

import data.fleetaudit.autoscaling.hpa_missing_requests as rule

inp(missing) := {"cluster": {"autoscaling": {"hpas": [{
	"namespace": "shop", "name": "web", "targetFound": true,
	"target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
	"missingRequests": missing,
}]}}}

test_missing if {
	got := rule.deny with input as inp(["app: cpu", "sidecar: cpu"])
	some f in got
	f.msg == "HPA shop/web scales Deployment web on utilization, but its containers lack requests: app: cpu, sidecar: cpu"
}

test_all_requested if {
	count(rule.deny) == 0 with input as inp([])
}
