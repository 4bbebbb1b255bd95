package fleetaudit.compliance.rbac_csr_approval_test

import data.fleetaudit.compliance.rbac_csr_approval as rule
import data.fleetaudit.lib.rbac_fixture as fx

both := [
	fx.rule(["update"], ["certificates.k8s.io"], ["certificatesigningrequests/approval"]),
	fx.rule(["approve"], ["certificates.k8s.io"], ["signers"]),
]

test_approver_flagged if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, both, "")
	contains(f.msg, "approve signers.certificates.k8s.io")
}

test_lookalike_approval_without_signers_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [both[0]], "")
}
