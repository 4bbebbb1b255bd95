package fleetaudit.compliance.rbac_nodes_proxy_test

import data.fleetaudit.compliance.rbac_nodes_proxy as rule
import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac_fixture as fx

test_violation_found_on_subject_with_path if {
	f := fx.only(rule.deny) with input as fx.bound(fx.sa("monitoring", "scraper"), [fx.rule(["get"], [""], ["nodes/proxy"])], "")
	f.resource == k8s.key_resource(fx.sa("monitoring", "scraper").key)
	f.path == sprintf("%s -> ClusterRole/r", [fx.binding("")])
	contains(f.msg, "ServiceAccount/monitoring/scraper can get nodes/proxy cluster-wide")
}

test_lookalike_not_flagged if {
	count(rule.deny) == 0 with input as fx.bound(fx.sa("monitoring", "scraper"), [fx.rule(["get", "list"], [""], ["nodes", "nodes/metrics"])], "")
}
