package fleetaudit.workload.pss_run_as_non_root_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_run_as_non_root as rule

test_unset_everywhere if {
	f := fx.only(rule.deny) with input as fx.inp([fx.without_pod_sc(fx.compliant, "runAsNonRoot")])
	contains(f.msg, `runAsNonRoot is not true: container "app" [unset], init container "setup" [unset], ephemeral container "debug" [unset] (`)
}

test_container_false_overrides_pod_true if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("setup", {"runAsNonRoot": false})])
	contains(f.msg, `runAsNonRoot is not true: init container "setup" [false] (`)
	f.resource.fieldPath == "spec.template.spec.initContainers[name=setup].securityContext.runAsNonRoot"
}

test_every_container_true_without_the_pod if {
	w := fx.without_pod_sc(fx.compliant, "runAsNonRoot")
	one := fx.patch_container(w, "app", {"securityContext": {"runAsNonRoot": true}})
	all := fx.patch_container(fx.patch_container(one, "setup", {"securityContext": {"runAsNonRoot": true}}), "debug", {"securityContext": {"runAsNonRoot": true}})
	count(rule.deny) == 0 with input as fx.inp([all])
	f := fx.only(rule.deny) with input as fx.inp([one])
	f.containers == ["setup", "debug"]
}

test_pod_false_fails_even_when_containers_say_true if {
	w := fx.pod({
		"securityContext": {"runAsNonRoot": false},
		"containers": [object.union(fx.container("app"), {"securityContext": {"runAsNonRoot": true}}), fx.init_container("setup")],
	})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `runAsNonRoot is not true: the pod [false], init container "setup" [unset, inherits false] (`)
	f.container == "setup"
}

test_pod_true_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}
