package fleetaudit.compliance.rbac_portforward_test

import data.fleetaudit.compliance.rbac_portforward as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.group("devs"), [fx.rule(["create"], [""], ["pods/portforward"])], "")
	f.resource == k8s.key_resource(fx.group("devs").key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("")])
	contains(f.msg, "Group/devs can create pods/portforward cluster-wide")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.group("devs"), [fx.rule(["create"], [""], ["services"])], "")
}
