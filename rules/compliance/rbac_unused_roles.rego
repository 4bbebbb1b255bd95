# METADATA
# title: Role bound by nothing, or binding to a missing role
# description: >-
#   Roles that no binding uses are clutter that hides real grants and may be bound later by
#   mistake; a binding whose role does not exist grants nothing today but will grant whatever
#   a role of that name gets in the future.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/access-authn-authz/rbac/
# custom:
#   id: FA-RBAC-019
#   reads: [rbac.roles, rbac.subjects, rbac.danglingBindings]
#   severity: low
#   category: compliance
#   controls:
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Delete unused roles and bindings whose role is gone, or create the missing role on
#     purpose.
package fleetaudit.compliance.rbac_unused_roles

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac

params := k8s.params("rbac")

exempt_role(key) if {
	some pattern in object.get(params, "exempt_unused_roles", [])
	glob.match(pattern, null, key)
}

warn contains finding if {
	some key, role in rbac.roles
	role.bindings == 0
	count(object.get(role, "aggregatedInto", [])) == 0
	not exempt_role(key)
	finding := {"msg": sprintf("%s is bound by no RoleBinding or ClusterRoleBinding", [key]), "resource": k8s.key_resource(key)}
}

deny contains finding if {
	some b in object.get(rbac.facts, "danglingBindings", [])
	finding := {"msg": sprintf("%s refers to %s, which does not exist", [b.key, b.role]), "resource": k8s.key_resource(b.key)}
}
