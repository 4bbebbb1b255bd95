# METADATA
# title: Subject can exec into or attach to pods
# description: >-
#   create on pods/exec or pods/attach runs commands inside running containers, with their
#   service account token and mounted secrets: a path to every privilege those pods hold.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-004
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Remove pods/exec and pods/attach from day-to-day roles; grant them just in time to named
#     operators, and audit their use.
package fleetaudit.compliance.rbac_exec_attach

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["create", "get"], "groups": [""], "resources": ["pods/exec", "pods/attach"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
