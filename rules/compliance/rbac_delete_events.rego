# METADATA
# title: Subject can delete events
# description: >-
#   Deleting events removes the trail an incident responder reads first.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-014
#   reads: [rbac.roles, rbac.subjects]
#   severity: medium
#   category: compliance
#   controls:
#     - {framework: NSA, id: "audit-logging"}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Remove delete and deletecollection on events from application and user roles.
package fleetaudit.compliance.rbac_delete_events

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["delete", "deletecollection"], "groups": ["", "events.k8s.io"], "resources": ["events"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
