# METADATA
# title: Subject can approve certificate signing requests
# description: >-
#   update on certificatesigningrequests/approval together with approve on signers lets a
#   subject approve its own CSRs, for example a client certificate in group system:masters.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization
# custom:
#   id: FA-RBAC-013
#   severity: high
#   category: compliance
#   framework: rbac
#   remediation: >-
#     Keep CSR approval with the controller manager and dedicated approvers limited by
#     resourceNames to the signers they serve.
package fleetaudit.compliance.rbac_csr_approval

import data.fleetaudit.lib.rbac

approval := [{"verbs": ["update", "patch"], "groups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"]}]

signers := [{"verbs": ["approve"], "groups": ["certificates.k8s.io"], "resources": ["signers"]}]

deny contains finding if {
	some pair in rbac.risky
	[subject, grant] := pair
	a := rbac.allowed(grant, approval)
	count(a) > 0
	s := rbac.allowed(grant, signers)
	count(s) > 0
	finding := rbac.finding(subject, grant, rbac.can_msg(subject, grant, array.concat(a, s)))
}
