package fleetaudit.compliance.rbac_escalate_bind_test

import data.fleetaudit.compliance.rbac_escalate_bind as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.sa("ci", "deployer"), [fx.rule(["bind"], ["rbac.authorization.k8s.io"], ["clusterroles"])], "")
	f.resource == k8s.key_resource(fx.sa("ci", "deployer").key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("")])
	contains(f.msg, "ServiceAccount/ci/deployer can bind clusterroles.rbac.authorization.k8s.io cluster-wide")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.sa("ci", "deployer"), [fx.rule(["get", "list", "create"], ["rbac.authorization.k8s.io"], ["rolebindings"])], "")
}
