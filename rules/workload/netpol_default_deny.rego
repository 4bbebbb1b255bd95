# METADATA
# title: Namespaces without a default-deny ingress NetworkPolicy
# description: >-
#   The namespace has NetworkPolicies, but none that selects every pod and allows no
#   ingress (podSelector {}, Ingress in policyTypes, no ingress rules): pods that no policy
#   selects, such as those added later, accept traffic from every pod. Judged for namespaces
#   with NetworkPolicies that run workloads off the host network.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
# custom:
#   id: FA-WL-026
#   reads: [workloads]
#   severity: low
#   category: workload
#   controls:
#     - {framework: CIS, id: "5.3.2", version: cis-1.12}
#     - {framework: NSA, id: net-policies}
#   remediation: >-
#     Add a NetworkPolicy with podSelector {}, policyTypes [Ingress] and no ingress rules,
#     then allow what each workload needs with narrower policies.
package fleetaudit.workload.netpol_default_deny

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some ns, ws in wl.networked
	policies := [p.name | some p in wl.policies; p.namespace == ns]
	count(policies) > 0
	not default_deny_ingress(ns)
	finding := {
		"msg": sprintf("namespace %s runs %s and has %d NetworkPolicies (%s), none of which denies all ingress (podSelector {}, policyTypes Ingress, no ingress rules)", [ns, wl.examples(ws), count(policies), concat(", ", policies)]),
		"resource": k8s.namespace_resource(ns),
	}
}

default_deny_ingress(ns) if {
	some p in wl.policies
	p.namespace == ns
	p.selectsAll == true
	"Ingress" in p.policyTypes
	p.ingressRules == 0
}
