# METADATA
# title: Workloads in the default namespace
# description: >-
#   The default namespace is where everything lands that nobody placed: RBAC, quotas,
#   NetworkPolicies and Pod Security labels are rarely set there, and its workloads share
#   them with whatever is applied next without a namespace.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
# custom:
#   id: FA-WL-027
#   reads: [workloads]
#   severity: low
#   category: workload
#   controls:
#     - {framework: CIS, id: "5.6.4", version: cis-1.12}
#     - {framework: NSA, id: net-namespaces}
#   remediation: Move the workload to a namespace of its own team or application.
package fleetaudit.workload.default_namespace

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.items
	w.namespace == "default"
	places := [wl.root_place("metadata.namespace")]
	finding := wl.finding(w, places, sprintf("%s runs in the default namespace", [wl.name(w)]))
}
