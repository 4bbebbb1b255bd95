package fleetaudit.compliance.rbac_read_secrets_test

import data.fleetaudit.compliance.rbac_read_secrets as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["get", "list"], [""], ["secrets"])], "")
	f.resource == k8s.key_resource(fx.user.key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("")])
	contains(f.msg, "can get secrets, list secrets cluster-wide via ClusterRoleBinding/b -> ClusterRole/r")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["get", "list"], [""], ["configmaps"])], "")
}

test_namespaced_secret_reader_is_high if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["watch"], [""], ["secrets"])], "apps")
	f.severity == "high"
	f.scope == "apps"
}

test_named_secret_only_not_flagged if {
	named := [{"verbs": ["get"], "apiGroups": [""], "resources": ["secrets"], "resourceNames": ["app-tls"]}]
	count(rule.deny) == 0 with input as fx.bound(fx.user, named, "apps")
}

test_cluster_admin_left_to_fa_rbac_001 if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["*"], ["*"], ["*"])], "")
}
