package fleetaudit.workload.pss_selinux_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_selinux as rule

with_version(inp, minor) := object.union(inp, {"cluster": {"version": {"major": 1, "minor": minor}}})

test_custom_type_user_and_role if {
	w := fx.patch_container(fx.pod_sc({"seLinux": {"type": "spc_t"}}), "app", {"securityContext": {"seLinux": {"user": "system_u", "role": "sysadm_r", "type": "container_t"}}})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `custom SELinux options: the pod [type=spc_t], container "app" [user=system_u, role=sysadm_r] (`)
}

test_container_types_and_level_allowed if {
	w := fx.patch_container(fx.pod_sc({"seLinux": {"level": "s0:c123,c456"}}), "setup", {"securityContext": {"seLinux": {"type": "container_init_t", "level": "s0:c1"}}})
	count(rule.deny) == 0 with input as fx.inp([fx.container_sc("app", {"seLinux": {"type": "container_kvm_t"}})])
	count(rule.deny) == 0 with input as fx.inp([w])
}

test_container_engine_t_from_1_31 if {
	w := fx.container_sc("app", {"seLinux": {"type": "container_engine_t"}})
	count(rule.deny) == 1 with input as with_version(fx.inp([w]), 30)
	count(rule.deny) == 0 with input as with_version(fx.inp([w]), 31)
	count(rule.deny) == 0 with input as fx.inp([w])
}
