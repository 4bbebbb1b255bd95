package fleetaudit.workload.pss_run_as_non_root_user_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_run_as_non_root_user as rule

test_pod_uid_0_even_when_containers_override if {
	w := fx.container_sc("app", {"runAsUser": 1000})
	f := fx.only(rule.deny) with input as fx.inp([fx.pod({"securityContext": {"runAsUser": 0}, "containers": [w.pod.containers[0]]})])
	contains(f.msg, "runAsUser=0 on the pod (")
	f.resource.fieldPath == "spec.template.spec.securityContext.runAsUser"
}

test_container_uid_0 if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("debug", {"runAsUser": 0})])
	contains(f.msg, `runAsUser=0 on ephemeral container "debug" (`)
}

test_unset_and_non_zero_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.without_pod_sc(fx.compliant, "runAsUser")])
	count(rule.deny) == 0 with input as fx.inp([fx.container_sc("app", {"runAsUser": 65534})])
}
