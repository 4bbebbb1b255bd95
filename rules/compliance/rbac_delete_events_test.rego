package fleetaudit.compliance.rbac_delete_events_test

import data.fleetaudit.compliance.rbac_delete_events as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.user, [fx.rule(["delete"], ["events.k8s.io"], ["events"])], "apps")
	f.resource == k8s.key_resource(fx.user.key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("apps")])
	contains(f.msg, "can delete events.events.k8s.io in namespace apps")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.user, [fx.rule(["create", "patch"], ["", "events.k8s.io"], ["events"])], "apps")
}
