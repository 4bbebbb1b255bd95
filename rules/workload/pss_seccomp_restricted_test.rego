package fleetaudit.workload.pss_seccomp_restricted_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_seccomp_restricted as rule

unset := fx.without_pod_sc(fx.compliant, "seccompProfile")

test_unset_everywhere if {
	f := fx.only(rule.deny) with input as fx.inp([unset])
	contains(f.msg, `seccomp profile not RuntimeDefault or Localhost: container "app" [unset], init container "setup" [unset], ephemeral container "debug" [unset] (`)
}

test_every_container_set_without_the_pod if {
	one := fx.patch_container(unset, "app", {"securityContext": {"seccompProfile": "RuntimeDefault"}})
	all := fx.patch_container(fx.patch_container(one, "setup", {"securityContext": {"seccompProfile": "Localhost"}}), "debug", {"securityContext": {"seccompProfile": "RuntimeDefault"}})
	count(rule.deny) == 0 with input as fx.inp([all])
	f := fx.only(rule.deny) with input as fx.inp([one])
	f.containers == ["setup", "debug"]
}

test_container_unconfined_overrides_the_pod if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("app", {"seccompProfile": "Unconfined"})])
	contains(f.msg, `: container "app" [Unconfined] (`)
	f.resource.fieldPath == "spec.template.spec.containers[name=app].securityContext.seccompProfile.type"
}

test_pod_unconfined_is_inherited if {
	w := fx.pod({"securityContext": {"seccompProfile": "Unconfined"}, "containers": [fx.container("app"), object.union(fx.init_container("setup"), {"securityContext": {"seccompProfile": "RuntimeDefault"}})]})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `: the pod [Unconfined], container "app" [unset, inherits Unconfined] (`)
}

test_baseline_namespace_not_judged if {
	count(rule.deny) == 0 with input as fx.in_namespace(unset, "shop", {"enforce": "baseline"})
}

test_pod_runtime_default_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}

# A Windows pod is exempt from this Linux-only restricted control from Kubernetes 1.25, not
# before.
test_windows_pod_exempt_from_1_25 if {
	bad := object.union(fx.without_pod_sc(fx.compliant, "seccompProfile"), {"pod": {"os": "windows"}})
	count(rule.deny) == 0 with input as object.union(fx.inp([bad]), {"cluster": {"version": {"minor": 34}}})
	count(rule.deny) > 0 with input as object.union(fx.inp([bad]), {"cluster": {"version": {"minor": 24}}})
	count(rule.deny) > 0 with input as object.union(fx.inp([object.union(bad, {"pod": {"os": "linux"}})]), {"cluster": {"version": {"minor": 34}}})
}
