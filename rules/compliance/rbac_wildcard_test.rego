package fleetaudit.compliance.rbac_wildcard_test

import data.fleetaudit.compliance.rbac_wildcard as rule
import data.fleetaudit.lib.rbac_fixture as fx

test_wildcard_verbs_flagged if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["*"], ["apps"], ["deployments"])], "apps")
	contains(f.msg, `verbs ["*"] on ["deployments"]`)
	f.path == "RoleBinding/apps/b -> ClusterRole/r"
}

test_wildcard_resources_flagged if {
	count(rule.deny) == 1 with input as fx.bound(fx.user, [fx.rule(["get"], [""], ["*"])], "")
}

test_lookalike_explicit_lists_not_flagged if {
	rules := [fx.rule(["get", "list", "watch", "create", "update", "patch", "delete"], ["apps"], ["deployments", "statefulsets"])]
	count(rule.deny) == 0 with input as fx.bound(fx.user, rules, "")
}
