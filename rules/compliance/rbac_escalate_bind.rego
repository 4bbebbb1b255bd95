# METADATA
# title: Subject can escalate or bind roles
# description: >-
#   The escalate verb lets a subject write roles with permissions it does not hold; bind lets
#   it bind any role, including cluster-admin. Either is a direct path to full control.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-007
#   reads: [rbac.roles, rbac.subjects]
#   severity: critical
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.8", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Remove escalate and bind from every role except those of the controllers that need them;
#     grant role management through a reviewed process (GitOps) instead.
package fleetaudit.compliance.rbac_escalate_bind

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["escalate", "bind"], "groups": ["rbac.authorization.k8s.io"], "resources": ["roles", "clusterroles"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
