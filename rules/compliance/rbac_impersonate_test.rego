package fleetaudit.compliance.rbac_impersonate_test

import data.fleetaudit.compliance.rbac_impersonate as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["impersonate"], [""], ["users", "groups"])], "")
	f.resource == k8s.key_resource(fx.user.key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("")])
	contains(f.msg, "can impersonate groups, impersonate users cluster-wide")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["impersonate"], ["authentication.k8s.io"], ["userextras/scopes"])], "")
}
