package fleetaudit.workload.default_namespace_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.default_namespace as rule

test_workload_in_default if {
	f := fx.only(rule.deny) with input as fx.in_namespace(fx.compliant, "default", {})
	f.msg == "Deployment default/web runs in the default namespace"
	f.resource == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "web", "fieldPath": "metadata.namespace"}
}

test_other_namespace_or_exempted if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
	count(rule.deny) == 0 with input as fx.in_namespace(fx.compliant, "default", {}) with data.fleetaudit.params as {"workload": {"exempt_namespaces": ["default"]}}
}
