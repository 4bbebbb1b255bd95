package fleetaudit.compliance.rbac_kube_system_workloads_test

import data.fleetaudit.compliance.rbac_kube_system_workloads as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["create", "update"], ["apps"], ["daemonsets"])], "kube-system")
	f.resource == k8s.key_resource(fx.user.key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("kube-system")])
	contains(f.msg, "can create daemonsets.apps, update daemonsets.apps in namespace kube-system")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["create", "update"], ["apps"], ["daemonsets"])], "team-a")
}

test_cluster_wide_grant_reaches_kube_system if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["create"], [""], ["pods"])], "")
	contains(f.msg, "cluster-wide")
}

test_kube_system_serviceaccount_exempt if {
	count(rule.deny) == 0 with input as fx.bound(fx.sa("kube-system", "ctrl"), [fx.rule(["create"], [""], ["pods"])], "kube-system")
}
