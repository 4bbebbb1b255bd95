package fleetaudit.workload.pss_sysctls_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_sysctls as rule

with_version(inp, minor) := object.union(inp, {"cluster": {"version": {"major": 1, "minor": minor}}})

test_unsafe_sysctls_listed if {
	w := fx.pod_sc({"sysctls": ["net.ipv4.tcp_syncookies", "kernel.msgmax", "net.core.somaxconn"]})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, "sysctls outside the safe set: the pod [kernel.msgmax, net.core.somaxconn] (")
	f.resource.fieldPath == "spec.template.spec.securityContext.sysctls"
}

test_safe_set_follows_the_cluster_version if {
	w := fx.pod_sc({"sysctls": ["net.ipv4.tcp_rmem", "net.ipv4.ip_local_reserved_ports"]})
	f := fx.only(rule.deny) with input as with_version(fx.inp([w]), 31)
	contains(f.msg, "[net.ipv4.tcp_rmem]")
	count(rule.deny) == 1 with input as with_version(fx.inp([w]), 26)
	count(rule.deny) == 0 with input as with_version(fx.inp([w]), 32)
	count(rule.deny) == 0 with input as fx.inp([w])
}

test_safe_sysctls_allowed if {
	w := fx.pod_sc({"sysctls": ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range"]})
	count(rule.deny) == 0 with input as with_version(fx.inp([w]), 20)
}
