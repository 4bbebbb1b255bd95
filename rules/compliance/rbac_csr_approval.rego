# METADATA
# title: Subject can approve certificate signing requests
# description: >-
#   update on certificatesigningrequests/approval together with approve on signers lets a
#   subject approve its own CSRs, for example a client certificate in group system:masters.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization
# custom:
#   id: FA-RBAC-013
#   reads: [rbac.roles, rbac.subjects]
#   severity: high
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.11", version: cis-1.12}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Keep CSR approval with the controller manager and dedicated approvers limited by
#     resourceNames to the signers they serve.
package fleetaudit.compliance.rbac_csr_approval

import data.fleetaudit.lib.rbac

approval := [{"verbs": ["update", "patch"], "groups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"]}]

signers := [{"verbs": ["approve"], "groups": ["certificates.k8s.io"], "resources": ["signers"]}]

approvers := rbac.roles_allowing(approval)

signer_approvers := rbac.roles_allowing(signers)

deny contains finding if {
	some role, a in approvers
	s := signer_approvers[role]
	some pair in rbac.risky_by_role[role]
	[subject, grant] := pair
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, array.concat(a, s)))
}
