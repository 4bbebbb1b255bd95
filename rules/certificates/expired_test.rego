package fleetaudit.certificates.expired_test

import data.fleetaudit.certificates.expired as rule
import data.fleetaudit.lib.certs_fixture as fx

test_expired_ca_in_a_webhook if {
	f := fx.only(rule.deny) with input as fx.inp([fx.cert({"notAfter": "2026-11-28T12:00:00Z"})])
	f.msg == `ValidatingWebhookConfiguration/policy webhooks[name=check.example.com].clientConfig.caBundle: certificate "policy-ca" expired 3 days ago (notAfter 2026-11-28T12:00:00Z)`
	f.resource == {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "name": "policy", "fieldPath": "webhooks[name=check.example.com].clientConfig.caBundle"}
	f.daysLeft == -3
}

test_expiring_at_collection_counts_as_expired if {
	count(rule.deny) == 1 with input as fx.inp([fx.cert({"notAfter": fx.collected})])
}

test_valid_and_unreadable_are_not_expired if {
	count(rule.deny) == 0 with input as fx.inp([
		fx.cert({"notAfter": "2026-12-01T00:00:01Z"}),
		{"source": "webhook-ca", "kind": "APIService", "name": "x", "field": "spec.caBundle", "index": 0, "parseError": "no PEM CERTIFICATE block"},
	])
}

test_cluster_items_name_the_cluster if {
	f := fx.only(rule.deny) with input as fx.inp([fx.cert({"kind": "Cluster", "name": "prod", "field": "kubeconfig.client-certificate-data", "notAfter": "2026-01-01T00:00:00Z", "subjectCN": "admin"})])
	f.resource == {"kind": "Cluster", "fieldPath": "kubeconfig.client-certificate-data"}
	startswith(f.msg, `the cluster kubeconfig.client-certificate-data: certificate "admin" expired 334 days ago`)
}
