package fleetaudit.compliance.rbac_broad_groups_test

import data.fleetaudit.compliance.rbac_broad_groups as rule
import data.fleetaudit.lib.rbac_fixture as fx

test_authenticated_bound_to_custom_role_flagged if {
	f := fx.only(rule.deny) with input as fx.bound(fx.group("system:authenticated"), [fx.rule(["get"], [""], ["pods"])], "")
	f.resource == {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Group", "name": "system:authenticated"}
}

test_discovery_role_allowed if {
	inp := fx.bound_to(fx.group("system:authenticated"), "ClusterRole/system:discovery", [fx.rule(["get"], [""], ["pods"])], "")
	count(rule.deny) == 0 with input as inp
}

test_lookalike_other_system_group_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.group("system:serviceaccounts"), [fx.rule(["get"], [""], ["pods"])], "")
}
