# METADATA
# title: Subject can create or change workloads in kube-system
# description: >-
#   Pods in kube-system run with the most powerful service accounts of the cluster; whoever
#   can create or change pods or workload controllers there can borrow those identities.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-010
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.4", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Restrict write access to kube-system to the cluster's own controllers and the deployment
#     pipeline of platform add-ons.
package fleetaudit.compliance.rbac_kube_system_workloads

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["create", "update", "patch"], "groups": [""], "resources": ["pods"]},
	{"verbs": ["create", "update", "patch"], "groups": ["apps"], "resources": ["deployments", "daemonsets", "statefulsets", "replicasets"]},
	{"verbs": ["create", "update", "patch"], "groups": ["batch"], "resources": ["jobs", "cronjobs"]},
]

# matching maps the roles that allow any of perms to what they allow (computed once).
matching := rbac.roles_allowing(perms)

deny contains finding if {
	some role, what in matching
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	rbac.in_namespace(grant, "kube-system")
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
