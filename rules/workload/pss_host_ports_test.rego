package fleetaudit.workload.pss_host_ports_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_host_ports as rule

test_host_ports_listed if {
	f := fx.only(rule.deny) with input as fx.inp([fx.patch_container(fx.compliant, "app", {"hostPorts": [80, 443]})])
	contains(f.msg, `hostPort set on container "app" [80, 443] (`)
	f.resource.fieldPath == "spec.template.spec.containers[name=app].ports"
}

test_no_or_zero_host_port_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
	count(rule.deny) == 0 with input as fx.inp([fx.patch_container(fx.compliant, "app", {"hostPorts": [0]})])
}
