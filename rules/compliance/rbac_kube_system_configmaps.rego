# METADATA
# title: Subject can change ConfigMaps in kube-system
# description: >-
#   ConfigMaps in kube-system configure cluster components (CoreDNS, aws-auth on EKS, kube-
#   proxy): changing them redirects DNS or grants cluster access.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-015
#   severity: medium
#   category: compliance
#   framework: rbac
#   remediation: >-
#     Restrict update and patch on kube-system ConfigMaps to the platform's deployment
#     pipeline, or limit them with resourceNames.
package fleetaudit.compliance.rbac_kube_system_configmaps

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["update", "patch"], "groups": [""], "resources": ["configmaps"]},
]

deny contains finding if {
	some pair in rbac.risky
	[subject, grant] := pair
	rbac.in_namespace(grant, "kube-system")
	what := rbac.allowed(grant, perms)
	count(what) > 0
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, what))
}
