package fleetaudit.workload.requests_missing_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.requests_missing as rule

resources(c, requests, limits) := fx.replace(fx.replace(c, "requests", requests), "limits", limits)

test_missing_requests if {
	w := fx.pod({"containers": [
		resources(fx.container("app"), {"cpuMillis": 100}, {}),
		resources(fx.container("sidecar"), {}, {}),
		resources(fx.init_container("setup"), {}, {}),
	]})
	f := fx.only(rule.deny) with input as fx.inp([w])
	f.msg == `Deployment shop/web: containers without CPU or memory requests: container "app" [no memory request], container "sidecar" [no cpu or memory request]`
}

test_limit_counts_as_request if {
	w := fx.pod({"containers": [resources(fx.container("app"), {}, {"cpuMillis": 500, "memoryBytes": 1024})]})
	count(rule.deny) == 0 with input as fx.inp([w])
}

test_requests_set if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}
