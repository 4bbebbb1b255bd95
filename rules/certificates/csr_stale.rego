# METADATA
# title: CertificateSigningRequest left pending or denied
# description: >-
#   A CertificateSigningRequest older than certificates.csr_max_age_hours (1 hour) that was
#   not issued. Pending (medium): nobody approves that signer's requests, e.g. kubelet serving
#   certificates, so kubelets serve with a self-signed certificate or not at all; approved but
#   not issued means the signer does not run. Denied or failed (low): someone or something
#   keeps asking for a certificate it does not get. kube-controller-manager's cleaner removes
#   finished requests after an hour and pending ones after a day, so old ones also say the
#   cleaner is not running.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/
# custom:
#   id: FA-CERT-008
#   reads: [certificates, collectedAt]
#   severity: medium
#   severities: [medium, low]
#   category: certificates
#   controls:
#     - {framework: NSA, id: authn-authz}
#   remediation: >-
#     Approve or deny pending requests (kubectl certificate approve|deny), run an approver for
#     the signer (e.g. kubelet-serving), and find what keeps sending denied requests.
package fleetaudit.certificates.csr_stale

import data.fleetaudit.lib.certs
import data.fleetaudit.lib.k8s

max_hours := object.get(certs.params, "csr_max_age_hours", 1)

ns_per_hour := (60 * 60) * 1000000000

warn contains finding if {
	some r in object.get(certs.certs, "csrs", [])
	hours := floor((certs.now_ns - time.parse_rfc3339_ns(r.createdAt)) / ns_per_hour)
	hours >= max_hours
	finding := {
		"msg": sprintf("CertificateSigningRequest %s for %s (signer %s) is %s after %d hours", [r.name, object.get(r, "username", "?"), r.signerName, lower(r.state), hours]),
		"resource": k8s.ref("certificates.k8s.io/v1", "CertificateSigningRequest", "", r.name),
		"severity": severity(r.state),
		"state": r.state,
		"ageHours": hours,
	}
}

severity(state) := "medium" if state in {"Pending", "Approved"}

severity(state) := "low" if state in {"Denied", "Failed"}
