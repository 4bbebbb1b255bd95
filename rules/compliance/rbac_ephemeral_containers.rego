# METADATA
# title: Subject can add ephemeral containers
# description: >-
#   update or patch on pods/ephemeralcontainers injects a new container into a running pod,
#   with the pod's service account and volumes: the same reach as exec.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-006
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Grant pods/ephemeralcontainers only to break-glass debugging roles.
package fleetaudit.compliance.rbac_ephemeral_containers

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["update", "patch"], "groups": [""], "resources": ["pods/ephemeralcontainers"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
