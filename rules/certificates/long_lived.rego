# METADATA
# title: CA or self-signed certificate that practically never expires
# description: >-
#   A CA or a self-signed certificate valid for longer than certificates.max_validity_days
#   (3653 days, ten years, by default: the lifetime kubeadm and k3s give their cluster CAs).
#   Its key, once leaked, stays good for decades, and nobody remembers how to rotate it when
#   it finally expires. Leaves signed by a CA are not judged: their CA bounds them. Sources in
#   certificates.max_validity_exempt_sources are not judged either: by default the cluster CA
#   of kube-root-ca.crt, which managed platforms (GKE, AKS) issue for 30 years and users
#   cannot rotate.
# related_resources:
#   - ref: https://kubernetes.io/docs/setup/best-practices/certificates/
# custom:
#   id: FA-CERT-003
#   reads: [certificates, collectedAt]
#   severity: medium
#   category: certificates
#   controls:
#     - {framework: NSA, id: net-encryption}
#   remediation: >-
#     Replace it with a certificate of bounded lifetime (a CA of a few years, leaves of
#     months) issued and rotated by automation such as cert-manager.
package fleetaudit.certificates.long_lived

import data.fleetaudit.lib.certs

max_days := object.get(certs.params, "max_validity_days", 3653)

exempt := {s | some s in object.get(certs.params, "max_validity_exempt_sources", ["root-ca"])}

warn contains finding if {
	some c in certs.readable
	not c.source in exempt
	what := kind_of(c)
	days := certs.validity_days(c)
	days > max_days
	finding := object.union(certs.details(c), {
		"msg": sprintf("%s: %s %s is valid for %d years (%d days, more than %d)", [certs.place(c), what, certs.subject(c), floor(days / 365), days, max_days]),
		"resource": certs.resource(c),
		"validityDays": days,
	})
}

kind_of(c) := "CA certificate" if c.isCA

kind_of(c) := "self-signed certificate" if {
	not c.isCA
	c.selfSigned
}
