package fleetaudit.compliance.rbac_token_creation_test

import data.fleetaudit.compliance.rbac_token_creation as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["create"], [""], ["serviceaccounts/token"])], "apps")
	f.resource == k8s.key_resource(fx.user.key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("apps")])
	contains(f.msg, "can create serviceaccounts/token in namespace apps")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["create", "get"], [""], ["serviceaccounts"])], "apps")
}
