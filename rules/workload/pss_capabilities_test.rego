package fleetaudit.workload.pss_capabilities_test

import data.fleetaudit.lib.workload as wl
import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_capabilities as rule

test_capability_beyond_baseline if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("app", {"capabilitiesAdd": ["CHOWN", "SYS_ADMIN"]})])
	contains(f.msg, `capabilities added beyond the baseline set: container "app" [SYS_ADMIN] (PSS restricted`)
	f.resource.fieldPath == "spec.template.spec.containers[name=app].securityContext.capabilities.add"
	not f.controls
}

test_net_raw_bears_on_cis_5_2_8 if {
	w := fx.patch_container(fx.container_sc("app", {"capabilitiesAdd": ["NET_RAW"]}), "debug", {"securityContext": {"capabilitiesAdd": ["NET_RAW", "NET_ADMIN"]}})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `container "app" [NET_RAW], ephemeral container "debug" [NET_RAW, NET_ADMIN]`)
	f.controls == [wl.cis("5.2.8")]
}

test_baseline_set_allowed if {
	caps := ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]
	count(rule.deny) == 0 with input as fx.in_namespace(fx.container_sc("setup", {"capabilitiesAdd": caps}), "shop", {"enforce": "baseline"})
}

test_names_compared_as_written if {
	# Pod Security Admission compares as written: CAP_CHOWN is not CHOWN.
	count(rule.deny) == 1 with input as fx.inp([fx.container_sc("app", {"capabilitiesAdd": ["CAP_CHOWN"]})])
}

test_privileged_namespace_not_judged if {
	count(rule.deny) == 0 with input as fx.in_namespace(fx.container_sc("app", {"capabilitiesAdd": ["SYS_ADMIN"]}), "shop", {"enforce": "privileged"})
}
