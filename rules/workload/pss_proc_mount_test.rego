package fleetaudit.workload.pss_proc_mount_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_proc_mount as rule

test_unmasked_proc_mount if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("debug", {"procMount": "Unmasked"})])
	contains(f.msg, `procMount other than Default: ephemeral container "debug" [Unmasked] (`)
	f.resource.fieldPath == "spec.template.spec.ephemeralContainers[name=debug].securityContext.procMount"
}

test_default_proc_mount_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.container_sc("app", {"procMount": "Default"})])
}
