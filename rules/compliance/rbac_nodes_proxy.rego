# METADATA
# title: Subject can use nodes/proxy
# description: >-
#   nodes/proxy reaches the kubelet API of every node: exec into any container and read any
#   pod, bypassing admission and audit logging of the API server.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-009
#   reads: [rbac.roles, rbac.subjects]
#   severity: critical
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.10", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Remove nodes/proxy from every role except monitoring components that need kubelet
#     metrics, and prefer the /metrics/resource endpoints through the API server.
package fleetaudit.compliance.rbac_nodes_proxy

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["get", "create", "update", "patch", "delete"], "groups": [""], "resources": ["nodes/proxy"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
