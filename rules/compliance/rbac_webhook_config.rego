# METADATA
# title: Subject can change admission webhooks
# description: >-
#   Whoever can create or change validating or mutating webhook configurations can intercept,
#   rewrite or block every API request, including Secret writes.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-012
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.12", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Restrict admissionregistration.k8s.io write access to the installers of the admission
#     controllers you run.
package fleetaudit.compliance.rbac_webhook_config

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["create", "update", "patch"], "groups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
