package fleetaudit.workload.pss_hostprocess_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_hostprocess as rule

test_host_process_on_pod_and_container if {
	w := fx.patch_container(fx.pod_sc({"windowsHostProcess": true}), "app", {"securityContext": {"windowsHostProcess": true}})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `windowsOptions.hostProcess=true on the pod, container "app" (`)
	f.resource.fieldPath == "spec.template.spec"
	f.container == "app"
}

test_pod_host_process_alone if {
	f := fx.only(rule.deny) with input as fx.inp([fx.pod_sc({"windowsHostProcess": true})])
	f.resource.fieldPath == "spec.template.spec.securityContext.windowsOptions.hostProcess"
	not f.container
}

test_host_process_false_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.container_sc("app", {"windowsHostProcess": false})])
}
