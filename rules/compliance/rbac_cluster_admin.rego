# METADATA
# title: Subject has full cluster admin
# description: >-
#   A role that allows every verb on every resource (cluster-admin or an equivalent "*" on
#   "*" in "*") bound to a subject that is not a built-in system identity. Cluster-wide it
#   is critical; through a RoleBinding it is full control of that namespace (high).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-001
#   reads: [rbac.roles, rbac.subjects]
#   severity: critical
#   severities: [critical, high]
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.1", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Bind people and pipelines to scoped roles (admin/edit/view in their namespaces, or
#     custom roles) and keep cluster-admin for break-glass access through a reviewed process.
package fleetaudit.compliance.rbac_cluster_admin

import data.fleetaudit.lib.rbac

deny contains finding if {
	some pair in rbac.audited
	[subject, grant] := pair
	rbac.full_admin(grant)
	msg := sprintf("%s has full admin (every verb on every resource) %s via %s", [subject.key, rbac.scope(grant), rbac.path(grant)])
	finding := object.union(rbac.finding(subject, grant, msg), {"severity": severity(grant)})
}

severity(grant) := "critical" if rbac.cluster_wide(grant)

severity(grant) := "high" if not rbac.cluster_wide(grant)
