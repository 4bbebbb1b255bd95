package fleetaudit.autoscaling.hpa_metrics_api_test

import data.fleetaudit.autoscaling.hpa_metrics_api as rule

cpu_hpa := {"namespace": "shop", "name": "web", "metrics": [{"type": "Resource", "resource": "cpu", "targetType": "Utilization"}]}

external_hpa := {"namespace": "shop", "name": "queue", "metrics": [{"type": "External", "name": "sqs_depth", "targetType": "AverageValue"}]}

inp(hpas, api) := {"cluster": {"autoscaling": {"hpas": hpas}, "observability": {"metricsAPI": api}}}

test_not_served if {
	got := rule.deny with input as inp([cpu_hpa, external_hpa], {"name": "v1beta1.metrics.k8s.io", "registered": false})
	some f in got
	f.msg == "1 HPA scales on CPU or memory (shop/web) but metrics.k8s.io is not served (no APIService v1beta1.metrics.k8s.io)"
	f.resource == {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "name": "v1beta1.metrics.k8s.io"}
}

test_not_available if {
	got := rule.deny with input as inp([cpu_hpa], {"name": "v1beta1.metrics.k8s.io", "registered": true, "available": "False", "reason": "MissingEndpoints", "message": "endpoints for service/metrics-server in \"kube-system\" have no addresses"})
	some f in got
	contains(f.msg, "is not Available (MissingEndpoints: endpoints")
}

test_available if {
	count(rule.deny) == 0 with input as inp([cpu_hpa], {"name": "v1beta1.metrics.k8s.io", "registered": true, "available": "True"})
}

test_only_external_metrics if {
	count(rule.deny) == 0 with input as inp([external_hpa], {"name": "v1beta1.metrics.k8s.io", "registered": false})
}
