package fleetaudit.certificates.weak_test

import data.fleetaudit.certificates.weak as rule
import data.fleetaudit.lib.certs_fixture as fx

test_short_rsa_and_sha1 if {
	f := fx.only(rule.deny) with input as fx.inp([fx.cert({"keyType": "RSA", "keyBits": 1024, "signatureAlgorithm": "SHA1-RSA", "selfSigned": false})])
	f.msg == `ValidatingWebhookConfiguration/policy webhooks[name=check.example.com].clientConfig.caBundle: certificate "policy-ca" is weak: RSA key of 1024 bits (under 2048), signed with SHA1-RSA`
}

test_self_signature_not_judged if {
	count(rule.deny) == 0 with input as fx.inp([fx.cert({"keyType": "RSA", "keyBits": 2048, "signatureAlgorithm": "SHA1-RSA"})])
	f := fx.only(rule.deny) with input as fx.inp([fx.cert({"keyType": "RSA", "keyBits": 1024, "signatureAlgorithm": "SHA1-RSA"})])
	not contains(f.msg, "SHA1")
}

test_small_curve if {
	f := fx.only(rule.deny) with input as fx.inp([fx.cert({"keyBits": 224})])
	contains(f.msg, "ECDSA key of 224 bits (under 256)")
}

test_strong_keys_pass if {
	count(rule.deny) == 0 with input as fx.inp([
		fx.cert({}),
		fx.cert({"keyType": "RSA", "keyBits": 2048, "signatureAlgorithm": "SHA256-RSA", "selfSigned": false}),
		fx.cert({"keyType": "Ed25519", "keyBits": 256, "signatureAlgorithm": "Ed25519"}),
	])
}
