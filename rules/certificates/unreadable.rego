# METADATA
# title: CA bundle or certificate that cannot be read
# description: >-
#   A caBundle, kube-root-ca.crt or client certificate that holds no PEM certificate, a block
#   that is not a certificate (a private key pasted by mistake) or a certificate that does not
#   parse. The API server cannot verify the webhook or aggregated API it is meant for, so
#   calls to it fail; the findings never echo the bundle's content.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#contacting-the-webhook
# custom:
#   id: FA-CERT-005
#   reads: [certificates]
#   severity: high
#   category: certificates
#   controls:
#     - {framework: NSA, id: net-encryption}
#   remediation: >-
#     Put the PEM-encoded CA certificate(s) of the server in the field (base64 of the PEM
#     where the API takes bytes); if a private key was pasted, treat it as leaked and rotate it.
package fleetaudit.certificates.unreadable

import data.fleetaudit.lib.certs

deny contains finding if {
	some c in certs.items
	c.parseError
	finding := {
		"msg": sprintf("%s cannot be read: %s", [certs.place(c), c.parseError]),
		"resource": certs.resource(c),
		"source": c.source,
		"index": c.index,
		"parseError": c.parseError,
	}
}
