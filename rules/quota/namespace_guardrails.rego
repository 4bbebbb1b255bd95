# METADATA
# title: Namespace without quota or default requests
# description: >-
#   A namespace that runs pods but has no ResourceQuota can take the whole cluster; without a
#   LimitRange that sets default requests, containers without requests are scheduled as if
#   they were free. System namespaces are exempt (data.fleetaudit.params.quota.exempt_namespaces).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/policy/limit-range/
# custom:
#   id: FA-QUO-002
#   reads: [usage]
#   severity: low
#   category: quota
#   controls:
#     - {framework: NSA, id: "net-resource-policies"}
#     - {framework: NSA, id: "net-namespaces"}
#   remediation: Add a ResourceQuota and a LimitRange with defaultRequest and default to the namespace.
package fleetaudit.quota.namespace_guardrails

import data.fleetaudit.lib.k8s

params := k8s.params("quota")

usage := object.get(input.cluster, "usage", {})

exempt(ns) if ns in object.get(params, "exempt_namespaces", [])

with_quota := {q.namespace | some q in object.get(usage, "quotas", [])}

with_defaults := {l.namespace | some l in object.get(usage, "limitRanges", []); l.defaultRequests}

warn contains finding if {
	some ns in object.get(usage, "namespaces", [])
	ns.pods > 0
	not exempt(ns.name)
	not ns.name in with_quota
	finding := {"msg": sprintf("namespace %s runs %d pods without a ResourceQuota", [ns.name, ns.pods]), "resource": k8s.namespace_resource(ns.name)}
}

warn contains finding if {
	some ns in object.get(usage, "namespaces", [])
	ns.pods > 0
	not exempt(ns.name)
	not ns.name in with_defaults
	finding := {"msg": sprintf("namespace %s has no LimitRange with default requests", [ns.name]), "resource": k8s.namespace_resource(ns.name)}
}
