# METADATA
# title: Role grants wildcard verbs or resources
# description: >-
#   A rule with "*" verbs or "*" resources grants whatever the API offers now and in the
#   future, including subresources and CRDs installed later.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
# custom:
#   id: FA-RBAC-002
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.3", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     List the verbs and resources the subject needs explicitly instead of "*".
package fleetaudit.compliance.rbac_wildcard

import data.fleetaudit.lib.rbac

deny contains finding if {
	some role, wild in wildcard_roles
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	msg := sprintf("%s is granted wildcards (%s) %s via %s", [subject.key, concat("; ", sort(wild)), rbac.scope(grant), rbac.path(grant)])
	finding := rbac.finding(subject, grant, msg)
}

# wildcard_roles maps each role with wildcard rules to their descriptions (computed once).
wildcard_roles := {key: wild |
	some key, role in rbac.roles
	wild := {describe(rule) | some rule in role.rules; wildcard(rule)}
	count(wild) > 0
}

wildcard(rule) if rule.verbs[_] == "*"

wildcard(rule) if rule.resources[_] == "*"

describe(rule) := sprintf("verbs %v on %v in groups %v", [rule.verbs, object.get(rule, "resources", []), object.get(rule, "apiGroups", [])])
