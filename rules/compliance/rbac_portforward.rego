# METADATA
# title: Subject can port-forward to pods
# description: >-
#   create on pods/portforward opens network tunnels to any port of any pod in scope,
#   bypassing NetworkPolicies and Services.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-005
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Remove pods/portforward from standing roles; grant it for debugging only, to named
#     users, for a limited time.
package fleetaudit.compliance.rbac_portforward

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["create", "get"], "groups": [""], "resources": ["pods/portforward"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
