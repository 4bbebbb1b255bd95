package fleetaudit.certificates.unreadable_test

import data.fleetaudit.certificates.unreadable as rule
import data.fleetaudit.lib.certs_fixture as fx

garbage := {
	"source": "crd-conversion-ca", "kind": "CustomResourceDefinition", "apiVersion": "apiextensions.k8s.io/v1",
	"name": "widgets.example.com", "field": "spec.conversion.webhook.clientConfig.caBundle", "index": 0,
	"parseError": "no PEM CERTIFICATE block",
}

test_unreadable_bundle if {
	f := fx.only(rule.deny) with input as fx.inp([garbage, fx.cert({})])
	f.msg == "CustomResourceDefinition/widgets.example.com spec.conversion.webhook.clientConfig.caBundle cannot be read: no PEM CERTIFICATE block"
	f.resource == {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "name": "widgets.example.com", "fieldPath": "spec.conversion.webhook.clientConfig.caBundle"}
}

test_readable_bundles_pass if {
	count(rule.deny) == 0 with input as fx.inp([fx.cert({})])
	count(rule.deny) == 0 with input as {"cluster": {"name": "old", "collectedAt": fx.collected}}
}
