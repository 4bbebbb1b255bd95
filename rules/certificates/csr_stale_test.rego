package fleetaudit.certificates.csr_stale_test

import data.fleetaudit.certificates.csr_stale as rule
import data.fleetaudit.lib.certs_fixture as fx

csr(name, state, created) := {"name": name, "signerName": "kubernetes.io/kubelet-serving", "username": "system:node:n1", "state": state, "createdAt": created}

test_old_pending_and_denied if {
	got := rule.warn with input as fx.inp_with([], {"csrs": [
		csr("pending-old", "Pending", "2026-11-30T20:00:00Z"),
		csr("denied-old", "Denied", "2026-11-30T22:30:00Z"),
		csr("pending-new", "Pending", "2026-11-30T23:30:00Z"),
	]})
	{[f.msg, f.severity] | some f in got} == {
		["CertificateSigningRequest pending-old for system:node:n1 (signer kubernetes.io/kubelet-serving) is pending after 4 hours", "medium"],
		["CertificateSigningRequest denied-old for system:node:n1 (signer kubernetes.io/kubelet-serving) is denied after 1 hours", "low"],
	}
}

test_age_is_a_param if {
	count(rule.warn) == 0 with input as fx.inp_with([], {"csrs": [csr("p", "Pending", "2026-11-30T20:00:00Z")]}) with data.fleetaudit.params as {"certificates": {"csr_max_age_hours": 24}}
}
