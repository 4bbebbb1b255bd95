# METADATA
# title: Subject can impersonate
# description: >-
#   impersonate on users, groups or serviceaccounts lets a subject act as anyone, including
#   members of system:masters.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-008
#   reads: [rbac.roles, rbac.subjects]
#   severity: critical
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.8", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Remove impersonate from the role, or limit it with resourceNames to the identities an
#     operator really needs to test.
package fleetaudit.compliance.rbac_impersonate

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["impersonate"], "groups": [""], "resources": ["users", "groups", "serviceaccounts"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
