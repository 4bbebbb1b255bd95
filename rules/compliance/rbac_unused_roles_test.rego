package fleetaudit.compliance.rbac_unused_roles_test

import data.fleetaudit.compliance.rbac_unused_roles as rule

inp(roles, dangling) := {"cluster": {"rbac": {"roles": roles, "subjects": [], "danglingBindings": dangling, "serviceAccounts": []}}}

test_unbound_role_warned if {
	got := rule.warn with input as inp({"Role/shop/old": {"kind": "Role", "name": "old", "bindings": 0, "rules": []}}, [])
	some f in got
	f.resource == {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "namespace": "shop", "name": "old"}
}

test_lookalikes_not_warned if {
	roles := {
		"Role/shop/used": {"kind": "Role", "name": "used", "bindings": 1, "rules": []},
		"ClusterRole/aggregate-part": {"kind": "ClusterRole", "name": "aggregate-part", "bindings": 0, "aggregatedInto": ["ClusterRole/admin"], "rules": []},
		"ClusterRole/view": {"kind": "ClusterRole", "name": "view", "bindings": 0, "rules": []},
		"ClusterRole/system:node": {"kind": "ClusterRole", "name": "system:node", "bindings": 0, "rules": []},
	}
	count(rule.warn) == 0 with input as inp(roles, [])
}

test_dangling_binding_denied if {
	got := rule.deny with input as inp({}, [{"key": "RoleBinding/shop/b", "role": "Role/shop/gone"}])
	some f in got
	f.msg == "RoleBinding/shop/b refers to Role/shop/gone, which does not exist"
}
