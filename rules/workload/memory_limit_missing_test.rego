package fleetaudit.workload.memory_limit_missing_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.memory_limit_missing as rule

test_missing_memory_limit if {
	w := fx.pod({"containers": [fx.replace(fx.container("app"), "limits", {"cpuMillis": 500}), fx.replace(fx.init_container("setup"), "limits", {})]})
	f := fx.only(rule.deny) with input as fx.inp([w])
	f.msg == `Deployment shop/web: containers without a memory limit: container "app"`
	f.resource.fieldPath == "spec.template.spec.containers[name=app].resources.limits.memory"
}

test_memory_limit_set if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}
