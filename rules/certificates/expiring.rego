# METADATA
# title: Certificate expires soon
# description: >-
#   A certificate that expires within the thresholds of certificates.expiry_days (critical
#   under 7 days, high under 30, medium under 60 by default): once it expires, webhooks,
#   aggregated APIs or clients that rely on it fail. Days are counted from when the facts were
#   collected.
# related_resources:
#   - ref: https://kubernetes.io/docs/setup/best-practices/certificates/
# custom:
#   id: FA-CERT-002
#   reads: [certificates, collectedAt]
#   severity: high
#   severities: [critical, high, medium]
#   category: certificates
#   controls:
#     - {framework: NSA, id: net-encryption}
#   remediation: >-
#     Renew the certificate before it expires and update the field the finding points at
#     (or the CA bundle that must trust the new one); automate the renewal.
package fleetaudit.certificates.expiring

import data.fleetaudit.lib.certs

thresholds := object.get(certs.params, "expiry_days", {"critical": 7, "high": 30, "medium": 60})

# order is the severities from the most severe: a certificate gets the first whose
# threshold its days left are under.
order := ["critical", "high", "medium"]

deny contains finding if {
	some c in certs.readable
	time.parse_rfc3339_ns(c.notAfter) > certs.now_ns
	d := certs.details(c)
	matching := [s | some s in order; d.daysLeft < object.get(thresholds, s, 0)]
	count(matching) > 0
	finding := object.union(d, {
		"msg": sprintf("%s: certificate %s expires in %d days (notAfter %s)", [certs.place(c), certs.subject(c), d.daysLeft, c.notAfter]),
		"resource": certs.resource(c),
		"severity": matching[0],
	})
}
