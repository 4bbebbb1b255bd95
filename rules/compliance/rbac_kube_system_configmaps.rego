# METADATA
# title: Subject can change ConfigMaps in kube-system
# description: >-
#   ConfigMaps in kube-system configure cluster components (CoreDNS, aws-auth on EKS, kube-
#   proxy): changing them redirects DNS or grants cluster access.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: FA-RBAC-015
#   reads: [rbac.roles, rbac.subjects]
#   severity: medium
#   category: compliance
#   controls:
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Restrict update and patch on kube-system ConfigMaps to the platform's deployment
#     pipeline, or limit them with resourceNames.
package fleetaudit.compliance.rbac_kube_system_configmaps

import data.fleetaudit.lib.rbac

perms := [
	{"verbs": ["update", "patch"], "groups": [""], "resources": ["configmaps"]},
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
