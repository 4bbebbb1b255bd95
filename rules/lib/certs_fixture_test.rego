# Fixtures for the certificate rules' tests: facts collected at 2026-12-01T00:00:00Z.
package fleetaudit.lib.certs_fixture

collected := "2026-12-01T00:00:00Z"

# cert is a healthy webhook CA certificate (one year, ECDSA P-256, SHA-256) patched with p.
cert(p) := object.union(
	{
		"source": "webhook-ca", "kind": "ValidatingWebhookConfiguration",
		"apiVersion": "admissionregistration.k8s.io/v1", "name": "policy",
		"field": "webhooks[name=check.example.com].clientConfig.caBundle", "index": 0,
		"subjectCN": "policy-ca", "issuerCN": "policy-ca",
		"notBefore": "2026-06-01T00:00:00Z", "notAfter": "2027-06-01T00:00:00Z",
		"isCA": true, "selfSigned": true, "keyType": "ECDSA", "keyBits": 256,
		"signatureAlgorithm": "ECDSA-SHA256",
	},
	p,
)

# inp is the input of a cluster whose certificates facts are certs (items), patched with p.
inp(items) := inp_with(items, {})

inp_with(items, p) := {"cluster": {
	"name": "prod", "collectedAt": collected,
	"certificates": object.union({"items": items, "certManager": {"installed": false, "certificates": [], "issuers": []}, "csrs": []}, p),
}}

# only is the single element of a set of findings (fails the test when there are more or none).
only(s) := f if {
	count(s) == 1
	some f in s
}
