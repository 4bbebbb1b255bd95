# METADATA
# title: Prometheus does not scrape a core component
# description: >-
#   The kubelets (with cAdvisor), the API server and kube-state-metrics are what cluster
#   dashboards and alerts are built on. For each signal of observability.scrape_jobs
#   (kubelet_scrape, apiserver_scrape, ksm_scrape, each a list of job names), the cluster's
#   up series in the configured Prometheus are counted: no series at all, or none up, is a
#   violation; some targets down is a warning (low). Judged only when a Prometheus is
#   configured (--prometheus-url; the cluster's series picked by --prometheus-cluster-label).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/cluster-administration/system-metrics/
# custom:
#   id: FA-OBS-002
#   reads: [observability.prometheus]
#   severity: medium
#   severities: [low]
#   category: observability
#   controls:
#     - {framework: K8s, id: system-metrics}
#   remediation: >-
#     Add a scrape job for the component (or fix its targets: kubectl port-forward and the
#     Prometheus targets page show why they are down), or name your job in
#     observability.scrape_jobs if it is called otherwise.
package fleetaudit.observability.scrape_missing

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.observability as obs

default_jobs := {
	"kubelet_scrape": ["kubelet"],
	"apiserver_scrape": ["apiserver", "kubernetes-apiservers"],
	"ksm_scrape": ["kube-state-metrics"],
}

signals := object.get(obs.params, "scrape_jobs", default_jobs)

prom := obs.facts.prometheus

counts(jobs) := [sum(targets), sum(up)] if {
	found := [j | some j in prom.jobs; j.job in jobs]
	targets := [j.targets | some j in found]
	up := [j.up | some j in found]
}

where := sprintf(" (series with %s)", [prom.selector]) if object.get(prom, "selector", "") != ""

where := "" if object.get(prom, "selector", "") == ""

deny contains finding if {
	some signal, jobs in signals
	[0, _] = counts(jobs)
	finding := {
		"msg": sprintf("Prometheus has no up series of job %s%s: %s is not scraped", [concat(" or ", jobs), where, trim_suffix(signal, "_scrape")]),
		"resource": k8s.cluster_resource,
		"signal": signal,
	}
}

deny contains finding if {
	some signal, jobs in signals
	[targets, 0] = counts(jobs)
	targets > 0
	finding := {
		"msg": sprintf("all %d targets of job %s are down%s: %s is not scraped", [targets, concat(" or ", jobs), where, trim_suffix(signal, "_scrape")]),
		"resource": k8s.cluster_resource,
		"signal": signal,
	}
}

warn contains finding if {
	some signal, jobs in signals
	[targets, up] = counts(jobs)
	up > 0
	up < targets
	finding := {
		"msg": sprintf("%d of %d targets of job %s are down%s", [targets - up, targets, concat(" or ", jobs), where]),
		"resource": k8s.cluster_resource,
		"severity": "low",
		"signal": signal,
	}
}
