# METADATA
# title: cert-manager Certificate not Ready
# description: >-
#   A cert-manager Certificate whose Ready condition is not True: it was not issued or not
#   renewed (issuer failing, ACME challenge failing, request denied), so its Secret holds an
#   old certificate or none. Critical once status.notAfter has passed.
# related_resources:
#   - ref: https://cert-manager.io/docs/usage/certificate/
#   - ref: https://cert-manager.io/docs/troubleshooting/
# custom:
#   id: FA-CERT-006
#   reads: [certificates, collectedAt]
#   severity: high
#   severities: [critical, high]
#   category: certificates
#   controls:
#     - {framework: NSA, id: net-encryption}
#   remediation: >-
#     Read the Certificate's events and its CertificateRequest (kubectl describe certificate,
#     cmctl status certificate), fix the issuer or the challenge, and renew (cmctl renew).
package fleetaudit.certificates.certmanager_not_ready

import data.fleetaudit.lib.certs
import data.fleetaudit.lib.k8s

cm := object.get(certs.certs, "certManager", {})

deny contains finding if {
	some c in object.get(cm, "certificates", [])
	c.ready != "True"
	finding := object.union(expiry(c), {
		"msg": sprintf("Certificate %s/%s is not Ready (%s)%s", [c.namespace, c.name, reason(c), expiry_text(c)]),
		"resource": object.union(k8s.ref("cert-manager.io/v1", "Certificate", c.namespace, c.name), {"fieldPath": "status.conditions[type=Ready]"}),
		"issuer": sprintf("%s/%s", [c.issuerKind, c.issuerName]),
	})
}

reason(c) := concat(": ", [x | some x in [object.get(c, "reason", ""), object.get(c, "message", "")]; x != ""]) if {
	object.get(c, "reason", "") != ""
}

reason(c) := sprintf("Ready=%s", [c.ready]) if object.get(c, "reason", "") == ""

expiry(c) := {"notAfter": c.notAfter, "daysLeft": certs.days_left(c.notAfter), "severity": "critical"} if {
	c.notAfter
	certs.days_left(c.notAfter) < 0
}

expiry(c) := {"notAfter": c.notAfter, "daysLeft": certs.days_left(c.notAfter)} if {
	c.notAfter
	certs.days_left(c.notAfter) >= 0
}

expiry(c) := {} if not c.notAfter

expiry_text(c) := sprintf("; its certificate expired %d days ago", [0 - certs.days_left(c.notAfter)]) if {
	c.notAfter
	certs.days_left(c.notAfter) < 0
}

expiry_text(c) := sprintf("; its certificate expires in %d days", [certs.days_left(c.notAfter)]) if {
	c.notAfter
	certs.days_left(c.notAfter) >= 0
}

expiry_text(c) := "" if not c.notAfter
