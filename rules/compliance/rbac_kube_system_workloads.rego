# METADATA
# title: Subject can create or change workloads in kube-system
# description: >-
#   Pods in kube-system run with the most powerful service accounts of the cluster; whoever
#   can create or change pods or workload controllers there can borrow those identities.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-010
#   severity: high
#   category: compliance
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

deny contains finding if {
	some pair in rbac.risky
	[subject, grant] := pair
	rbac.in_namespace(grant, "kube-system")
	what := rbac.allowed(grant, perms)
	count(what) > 0
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
