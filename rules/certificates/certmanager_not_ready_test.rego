package fleetaudit.certificates.certmanager_not_ready_test

import data.fleetaudit.certificates.certmanager_not_ready as rule
import data.fleetaudit.lib.certs_fixture as fx

cm(certs) := fx.inp_with([], {"certManager": {"installed": true, "certificates": certs, "issuers": []}})

cert(p) := object.union({"namespace": "shop", "name": "web-tls", "issuerKind": "ClusterIssuer", "issuerName": "letsencrypt", "ready": "True", "notAfter": "2027-02-01T00:00:00Z"}, p)

test_not_ready if {
	f := fx.only(rule.deny) with input as cm([cert({"ready": "False", "reason": "Failed", "message": "challenge failed"}), cert({"name": "api-tls"})])
	f.msg == "Certificate shop/web-tls is not Ready (Failed: challenge failed); its certificate expires in 62 days"
	f.resource == {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "namespace": "shop", "name": "web-tls", "fieldPath": "status.conditions[type=Ready]"}
	not f.severity
	f.daysLeft == 62
	f.issuer == "ClusterIssuer/letsencrypt"
}

test_expired_and_not_ready_is_critical if {
	f := fx.only(rule.deny) with input as cm([cert({"ready": "False", "reason": "Expired", "notAfter": "2026-11-20T00:00:00Z"})])
	f.severity == "critical"
	f.daysLeft == -11
}

test_never_issued_without_condition if {
	f := fx.only(rule.deny) with input as cm([object.remove(cert({"ready": "Unknown"}), ["notAfter"])])
	f.msg == "Certificate shop/web-tls is not Ready (Ready=Unknown)"
}

test_ready_and_not_installed_pass if {
	count(rule.deny) == 0 with input as cm([cert({})])
	count(rule.deny) == 0 with input as fx.inp([])
}
