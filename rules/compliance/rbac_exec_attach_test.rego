package fleetaudit.compliance.rbac_exec_attach_test

import data.fleetaudit.compliance.rbac_exec_attach as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["create"], [""], ["pods/exec"])], "apps")
	f.resource == k8s.key_resource(fx.user.key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("apps")])
	contains(f.msg, "can create pods/exec in namespace apps")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["get", "list"], [""], ["pods", "pods/log"])], "apps")
}

test_wildcard_subresource_matches if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["create"], [""], ["*/exec"])], "apps")
	contains(f.msg, "create pods/exec")
}

test_system_subject_exempt if {
	count(rule.deny) == 0 with input as fx.bound(fx.group("system:masters"), [fx.rule(["create"], [""], ["pods/exec"])], "")
}

test_exempt_binding_from_data if {
	params := {"rbac": {"exempt_bindings": ["RoleBinding/apps/b"]}}
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["create"], [""], ["pods/exec"])], "apps") with data.fleetaudit.params as params
}
