package fleetaudit.observability.scrape_missing_test

import data.fleetaudit.observability.scrape_missing as rule

inp(jobs) := {"cluster": {"observability": {"prometheus": {"selector": "cluster=\"east\"", "jobs": jobs}}}}

healthy := [
	{"job": "kubelet", "targets": 3, "up": 3},
	{"job": "apiserver", "targets": 1, "up": 1},
	{"job": "kube-state-metrics", "targets": 1, "up": 1},
]

test_ksm_absent if {
	got := rule.deny with input as inp(array.slice(healthy, 0, 2))
	count(got) == 1
	some f in got
	f.msg == "Prometheus has no up series of job kube-state-metrics (series with cluster=\"east\"): ksm is not scraped"
	f.signal == "ksm_scrape"
	f.resource == {"kind": "Cluster"}
}

test_all_down if {
	got := rule.deny with input as inp([{"job": "kubelet", "targets": 3, "up": 0}, healthy[1], healthy[2]])
	some f in got
	f.msg == "all 3 targets of job kubelet are down (series with cluster=\"east\"): kubelet is not scraped"
}

test_some_down_warns if {
	i := inp([{"job": "kubelet", "targets": 3, "up": 2}, healthy[1], healthy[2]])
	count(rule.deny) == 0 with input as i
	got := rule.warn with input as i
	some f in got
	f.msg == "1 of 3 targets of job kubelet are down (series with cluster=\"east\")"
}

test_healthy if {
	count(rule.deny) == 0 with input as inp(healthy)
	count(rule.warn) == 0 with input as inp(healthy)
}

test_job_names_from_params if {
	i := inp([{"job": "kubernetes-nodes", "targets": 3, "up": 3}, healthy[1], healthy[2]])
	count(rule.deny) == 1 with input as i
	count(rule.deny) == 0 with input as i with data.fleetaudit.params as {"observability": {"scrape_jobs": {"kubelet_scrape": ["kubernetes-nodes"], "apiserver_scrape": ["apiserver"], "ksm_scrape": ["kube-state-metrics"]}}}
}

test_not_judged_without_prometheus if {
	count(rule.deny) == 0 with input as {"cluster": {"observability": {}}}
}
