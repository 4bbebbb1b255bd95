# METADATA
# title: Permissions granted to anonymous or all authenticated users
# description: >-
#   Bindings to system:anonymous, system:unauthenticated or system:authenticated give their
#   permissions to everyone who can reach the API server (or everyone with any identity, for
#   example any Google account on GKE). Only the built-in discovery roles are expected there;
#   the allowed roles are data.fleetaudit.params.rbac.broad_group_allowed_roles.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles
# custom:
#   id: FA-RBAC-016
#   reads: [rbac.roles, rbac.subjects]
#   severity: critical
#   category: compliance
#   controls:
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Delete the binding, or bind the role to the specific users, groups or service accounts
#     that need it.
package fleetaudit.compliance.rbac_broad_groups

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac

params := k8s.params("rbac")

# Deliberately not subject-exempt: these groups are system:* names, and are the point.
deny contains finding if {
	some subject in rbac.subjects
	subject.kind in {"Group", "User"}
	subject.name in object.get(params, "broad_groups", [])
	some grant in subject.grants
	not rbac.binding_exempt(grant)
	not grant.role in object.get(params, "broad_group_allowed_roles", [])
	msg := sprintf("%s (everyone it covers) is bound %s via %s", [subject.key, rbac.scope(grant), rbac.path(grant)])
	finding := rbac.finding(subject, grant, msg)
}
