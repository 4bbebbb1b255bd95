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
	ns in wl.policy_namespaces
	not ns in default_deny_ingress
	policies := [p.name | some p in wl.policies; p.namespace == ns]
	finding := {
		"msg": sprintf("namespace %s runs %s and has %s (%s), none of which denies all ingress (podSelector {}, policyTypes Ingress, no ingress rules)", [ns, wl.examples(ws), policy_count(count(policies)), concat(", ", policies)]),
		"resource": k8s.namespace_resource(ns),
	}
}

# default_deny_ingress are the namespaces with a policy that selects every pod and allows
# no ingress.
default_deny_ingress contains p.namespace if {
	some p in wl.policies
	p.selectsAll == true
	"Ingress" in p.policyTypes
	p.ingressRules == 0
}

policy_count(1) := "1 NetworkPolicy"

policy_count(n) := sprintf("%d NetworkPolicies", [n]) if n != 1
