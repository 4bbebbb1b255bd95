package fleetaudit.compliance.rbac_kube_system_configmaps_test

import data.fleetaudit.compliance.rbac_kube_system_configmaps as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["update", "patch"], [""], ["configmaps"])], "kube-system")
	f.resource == k8s.key_resource(fx.user.key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("kube-system")])
	contains(f.msg, "can patch configmaps, update configmaps in namespace kube-system")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [{"verbs": ["update"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["my-app"]}], "kube-system")
}
