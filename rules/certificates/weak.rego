# METADATA
# title: Certificate with a weak key or signature
# description: >-
#   An RSA key shorter than certificates.min_rsa_bits (2048), an ECDSA key under
#   certificates.min_ecdsa_bits (256), or a signature by an algorithm of
#   certificates.weak_signature_algorithms (SHA-1, MD5): such certificates can be forged or
#   broken, and current Go and browser clients refuse SHA-1 signatures. A self-signed
#   certificate's signature on itself is not judged: a trust anchor is trusted by where it
#   is, not by its signature.
# related_resources:
#   - ref: https://kubernetes.io/docs/setup/best-practices/certificates/
#   - ref: https://pkg.go.dev/crypto/x509#InsecureAlgorithmError
# custom:
#   id: FA-CERT-004
#   reads: [certificates, collectedAt]
#   severity: high
#   category: certificates
#   controls:
#     - {framework: NSA, id: net-encryption}
#   remediation: >-
#     Issue a new certificate with an RSA key of at least 2048 bits or an ECDSA P-256 key,
#     signed with SHA-256 or better.
package fleetaudit.certificates.weak

import data.fleetaudit.lib.certs

min_rsa := object.get(certs.params, "min_rsa_bits", 2048)

min_ecdsa := object.get(certs.params, "min_ecdsa_bits", 256)

weak_algorithms := {a | some a in object.get(certs.params, "weak_signature_algorithms", ["SHA1-RSA", "ECDSA-SHA1", "DSA-SHA1", "MD5-RSA", "MD2-RSA"])}

deny contains finding if {
	some c in certs.readable
	problems := array.concat(array.concat(rsa(c), ecdsa(c)), signature(c))
	count(problems) > 0
	finding := object.union(certs.details(c), {
		"msg": sprintf("%s: certificate %s is weak: %s", [certs.place(c), certs.subject(c), concat(", ", problems)]),
		"resource": certs.resource(c),
	})
}

rsa(c) := [sprintf("RSA key of %d bits (under %d)", [c.keyBits, min_rsa])] if {
	c.keyType == "RSA"
	c.keyBits < min_rsa
} else := []

ecdsa(c) := [sprintf("ECDSA key of %d bits (under %d)", [c.keyBits, min_ecdsa])] if {
	c.keyType == "ECDSA"
	c.keyBits < min_ecdsa
} else := []

signature(c) := [sprintf("signed with %s", [c.signatureAlgorithm])] if {
	c.signatureAlgorithm in weak_algorithms
	not c.selfSigned
} else := []
