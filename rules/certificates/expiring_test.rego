package fleetaudit.certificates.expiring_test

import data.fleetaudit.certificates.expiring as rule
import data.fleetaudit.lib.certs_fixture as fx

sev(not_after) := s if {
	got := rule.deny with input as fx.inp([fx.cert({"notAfter": not_after})])
	s := fx.only(got).severity
}

test_severity_by_days_left if {
	sev("2026-12-04T00:00:00Z") == "critical" # 3 days
	sev("2026-12-07T23:59:59Z") == "critical" # 6 days and a bit
	sev("2026-12-08T00:00:00Z") == "high" # 7 days
	sev("2026-12-30T23:00:00Z") == "high" # 29 days
	sev("2026-12-31T00:00:00Z") == "medium" # 30 days
	sev("2027-01-29T23:00:00Z") == "medium" # 59 days
}

test_not_judged_beyond_the_last_threshold_or_once_expired if {
	count(rule.deny) == 0 with input as fx.inp([fx.cert({"notAfter": "2027-01-30T00:00:00Z"})])
	count(rule.deny) == 0 with input as fx.inp([fx.cert({"notAfter": "2026-11-30T00:00:00Z"})])
	count(rule.deny) == 0 with input as fx.inp([fx.cert({})])
}

test_finding_names_the_field_and_days_left if {
	f := fx.only(rule.deny) with input as fx.inp([fx.cert({"kind": "APIService", "apiVersion": "apiregistration.k8s.io/v1", "name": "v1beta1.metrics.k8s.io", "field": "spec.caBundle", "subjectCN": "metrics-ca", "notAfter": "2026-12-04T00:00:00Z"})])
	f.msg == `APIService/v1beta1.metrics.k8s.io spec.caBundle: certificate "metrics-ca" expires in 3 days (notAfter 2026-12-04T00:00:00Z)`
	f.resource.fieldPath == "spec.caBundle"
	f.daysLeft == 3
	f.notAfter == "2026-12-04T00:00:00Z"
}

test_thresholds_are_params if {
	count(rule.deny) == 0 with input as fx.inp([fx.cert({"notAfter": "2027-01-20T00:00:00Z"})]) with data.fleetaudit.params as {"certificates": {"expiry_days": {"critical": 7, "high": 30}}}
	f := fx.only(rule.deny) with input as fx.inp([fx.cert({"notAfter": "2027-01-20T00:00:00Z"})]) with data.fleetaudit.params as {"certificates": {"expiry_days": {"critical": 90}}}
	f.severity == "critical"
}
