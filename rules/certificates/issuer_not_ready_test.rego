package fleetaudit.certificates.issuer_not_ready_test

import data.fleetaudit.certificates.issuer_not_ready as rule
import data.fleetaudit.lib.certs_fixture as fx

cm(issuers) := fx.inp_with([], {"certManager": {"installed": true, "certificates": [], "issuers": issuers}})

test_cluster_issuer_and_issuer_not_ready if {
	got := rule.deny with input as cm([
		{"kind": "ClusterIssuer", "name": "letsencrypt", "ready": "False", "reason": "ErrRegisterACMEAccount", "message": "no route"},
		{"kind": "Issuer", "namespace": "shop", "name": "ca", "ready": "Unknown"},
		{"kind": "Issuer", "namespace": "shop", "name": "ok", "ready": "True"},
	])
	{f.msg | some f in got} == {
		"ClusterIssuer letsencrypt is not ready (ErrRegisterACMEAccount: no route)",
		"Issuer shop/ca is not ready (Ready=Unknown)",
	}
	{f.resource | some f in got} == {
		{"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "name": "letsencrypt", "fieldPath": "status.conditions[type=Ready]"},
		{"apiVersion": "cert-manager.io/v1", "kind": "Issuer", "namespace": "shop", "name": "ca", "fieldPath": "status.conditions[type=Ready]"},
	}
}
