# METADATA
# title: Subject can mint service account tokens
# description: >-
#   create on serviceaccounts/token issues tokens for any service account in scope; create on
#   secrets can mint legacy token Secrets. Both let a subject act as those service accounts.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-011
#   severity: high
#   category: compliance
#   framework: rbac
#   remediation: >-
#     Grant serviceaccounts/token only to the components that issue tokens, and Secret
#     creation only where the workload manages its own Secrets.
package fleetaudit.compliance.rbac_token_creation

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["create"], "groups": [""], "resources": ["serviceaccounts/token", "secrets"]},
]

deny contains finding if {
	some pair in rbac.risky
	[subject, grant] := pair
	what := rbac.allowed(grant, perms)
	count(what) > 0
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
