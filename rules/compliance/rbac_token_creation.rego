# METADATA
# title: Subject can mint service account tokens
# description: >-
#   create on serviceaccounts/token issues tokens for any service account in scope; create on
#   secrets can mint legacy token Secrets. Both let a subject act as those service accounts.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-011
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.13", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Grant serviceaccounts/token only to the components that issue tokens, and Secret
#     creation only where the workload manages its own Secrets.
package fleetaudit.compliance.rbac_token_creation

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["create"], "groups": [""], "resources": ["serviceaccounts/token", "secrets"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
