package fleetaudit.workload.pss_capabilities_restricted_test

import data.fleetaudit.lib.workload as wl
import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_capabilities_restricted as rule

test_missing_drop_all_keeps_net_raw if {
	f := fx.only(rule.deny) with input as fx.inp([fx.without_sc(fx.compliant, "setup", "capabilitiesDrop")])
	contains(f.msg, `capabilities not dropped to ALL plus at most NET_BIND_SERVICE: init container "setup" [no drop ALL] (`)
	f.resource.fieldPath == "spec.template.spec.initContainers[name=setup].securityContext.capabilities"
	f.controls == [wl.cis("5.2.8")]
}

test_added_capability if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("app", {"capabilitiesAdd": ["NET_BIND_SERVICE", "CHOWN"]})])
	contains(f.msg, `container "app" [adds CHOWN]`)
	not f.controls
}

test_both_problems_and_net_raw_dropped_alone if {
	w := fx.container_sc("debug", {"capabilitiesDrop": ["NET_RAW"], "capabilitiesAdd": ["SYS_TIME"]})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `ephemeral container "debug" [no drop ALL; adds SYS_TIME]`)
	not f.controls
}

test_drop_all_add_net_bind_service_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.container_sc("app", {"capabilitiesAdd": ["NET_BIND_SERVICE"]})])
}

test_baseline_namespace_not_judged if {
	count(rule.deny) == 0 with input as fx.in_namespace(fx.without_sc(fx.compliant, "app", "capabilitiesDrop"), "shop", {"enforce": "baseline"})
}

# A Windows pod is exempt from this Linux-only restricted control from Kubernetes 1.25, not
# before.
test_windows_pod_exempt_from_1_25 if {
	bad := object.union(fx.container_sc("app", {"capabilitiesDrop": []}), {"pod": {"os": "windows"}})
	count(rule.deny) == 0 with input as object.union(fx.inp([bad]), {"cluster": {"version": {"minor": 34}}})
	count(rule.deny) > 0 with input as object.union(fx.inp([bad]), {"cluster": {"version": {"minor": 24}}})
	count(rule.deny) > 0 with input as object.union(fx.inp([object.union(bad, {"pod": {"os": "linux"}})]), {"cluster": {"version": {"minor": 34}}})
}
