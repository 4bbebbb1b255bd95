# METADATA
# title: Subject can read Secrets
# description: >-
#   A subject that can get, list or watch Secrets can read every credential they hold: service
#   account tokens, registry passwords, TLS keys. Cluster-wide this is critical; in one
#   namespace it is high.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-003
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   severities: [critical, high]
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.2", version: cis-1.12}
#     - {framework: NSA, id: "net-secrets"}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Grant access to the named Secrets an application needs (resourceNames), mount them as
#     volumes instead of reading them through the API, or move the workload's secrets to a
#     dedicated namespace.
package fleetaudit.compliance.rbac_read_secrets

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["get", "list", "watch"], "groups": [""], "resources": ["secrets"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

# Reading Secrets everywhere is critical; in one namespace, high.
severity(grant) := "critical" if rbac.cluster_wide(grant)

severity(grant) := "high" if not rbac.cluster_wide(grant)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := object.union(
		rbac.finding(subject, grant, rbac.can_msg(subject, grant, what)),
		{"severity": severity(grant)},
	)
}
