# METADATA
# title: Namespaces without NetworkPolicies
# description: >-
#   With no NetworkPolicy in a namespace, its pods accept traffic from every pod of the
#   cluster and send it anywhere: one compromised pod reaches them all. Judged for namespaces
#   that run workloads whose pods NetworkPolicies govern (pods on the host network are not
#   counted: no NetworkPolicy applies to them).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/services-networking/network-policies/
# custom:
#   id: FA-WL-025
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: CIS, id: "5.3.2", version: cis-1.12}
#     - {framework: NSA, id: net-policies}
#   remediation: >-
#     Add a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress]) and
#     policies that allow the traffic each workload needs.
package fleetaudit.workload.netpol_missing

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some ns, ws in wl.networked
	not ns in wl.policy_namespaces
	finding := {
		"msg": sprintf("namespace %s runs %s and has no NetworkPolicy: its pods accept traffic from every pod", [ns, wl.examples(ws)]),
		"resource": k8s.namespace_resource(ns),
	}
}
