package fleetaudit.compliance.rbac_cluster_admin_test

import data.fleetaudit.compliance.rbac_cluster_admin as rule
import data.fleetaudit.lib.rbac_fixture as fx

admin := [fx.rule(["*"], ["*"], ["*"])]

test_cluster_admin_user_critical if {
	f := fx.only(rule.deny) with input as fx.bound_to(fx.user, "ClusterRole/cluster-admin", admin, "")
	f.severity == "critical"
	f.resource == {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "User", "name": "alice"}
	f.path == "ClusterRoleBinding/b -> ClusterRole/cluster-admin"
}

test_namespaced_admin_high if {
	f := fx.only(rule.deny) with input as fx.bound(fx.sa("ci", "deployer"), admin, "ci")
	f.severity == "high"
}

test_lookalike_all_verbs_on_one_group_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["*"], ["apps"], ["*"])], "")
}

test_system_masters_exempt if {
	count(rule.deny) == 0 with input as fx.bound_to(fx.group("system:masters"), "ClusterRole/cluster-admin", admin, "")
}
