package fleetaudit.certificates.long_lived_test

import data.fleetaudit.certificates.long_lived as rule
import data.fleetaudit.lib.certs_fixture as fx

twenty_years := {"notBefore": "2026-01-01T00:00:00Z", "notAfter": "2046-01-01T00:00:00Z"}

test_self_signed_leaf_of_twenty_years if {
	f := fx.only(rule.warn) with input as fx.inp([fx.cert(object.union(twenty_years, {"isCA": false, "subjectCN": "webhook.svc"}))])
	f.msg == `ValidatingWebhookConfiguration/policy webhooks[name=check.example.com].clientConfig.caBundle: self-signed certificate "webhook.svc" is valid for 20 years (7305 days, more than 3653)`
	f.validityDays == 7305
}

test_ca_of_twenty_years if {
	f := fx.only(rule.warn) with input as fx.inp([fx.cert(object.union(twenty_years, {"selfSigned": false}))])
	contains(f.msg, "CA certificate")
}

test_ten_year_cluster_ca_and_ca_signed_leaves_pass if {
	count(rule.warn) == 0 with input as fx.inp([
		fx.cert({"notBefore": "2026-01-01T00:00:00Z", "notAfter": "2036-01-01T00:00:00Z"}),
		fx.cert(object.union(twenty_years, {"isCA": false, "selfSigned": false})),
	])
}

test_limit_is_a_param if {
	count(rule.warn) == 1 with input as fx.inp([fx.cert({})]) with data.fleetaudit.params as {"certificates": {"max_validity_days": 300}}
}

test_cluster_ca_exempt_unless_params_say_otherwise if {
	root := fx.cert(object.union(twenty_years, {"source": "root-ca", "kind": "ConfigMap", "apiVersion": "v1", "namespace": "kube-system", "name": "kube-root-ca.crt", "field": "data[ca.crt]"}))
	count(rule.warn) == 0 with input as fx.inp([root])
	f := fx.only(rule.warn) with input as fx.inp([root]) with data.fleetaudit.params as {"certificates": {"max_validity_exempt_sources": []}}
	f.resource == {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "kube-system", "name": "kube-root-ca.crt", "fieldPath": "data[ca.crt]"}
}
