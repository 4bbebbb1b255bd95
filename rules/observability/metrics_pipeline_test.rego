package fleetaudit.observability.metrics_pipeline_test

import data.fleetaudit.observability.metrics_pipeline as rule

inp(api) := {"cluster": {"observability": {"metricsAPI": object.union({"name": "v1beta1.metrics.k8s.io"}, api)}}}

test_not_served if {
	got := rule.deny with input as inp({"registered": false})
	some f in got
	f.msg == "no resource metrics pipeline: metrics.k8s.io is not served (no APIService v1beta1.metrics.k8s.io)"
	f.signal == "metrics_api"
}

test_not_available if {
	got := rule.deny with input as inp({"registered": true, "service": "kube-system/metrics-server", "available": "False", "reason": "FailedDiscoveryCheck", "message": "timeout"})
	some f in got
	f.msg == "no resource metrics pipeline: APIService v1beta1.metrics.k8s.io (kube-system/metrics-server) is not Available: FailedDiscoveryCheck: timeout"
}

test_available if {
	count(rule.deny) == 0 with input as inp({"registered": true, "service": "kube-system/metrics-server", "available": "True"})
}

test_not_judged_without_facts if {
	count(rule.deny) == 0 with input as {"cluster": {"observability": {}}}
}
