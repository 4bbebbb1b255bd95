package fleetaudit.workload.pss_apparmor_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_apparmor as rule

test_unconfined_pod_and_annotation if {
	w := fx.patch_container(fx.pod_sc({"appArmorProfile": "Unconfined"}), "setup", {"securityContext": {"appArmorProfile": "unconfined"}})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `AppArmor profile other than RuntimeDefault or Localhost: the pod [Unconfined], init container "setup" [unconfined] (`)
	f.container == "setup"
}

test_container_unconfined_overrides_a_confined_pod if {
	w := fx.patch_container(fx.pod_sc({"appArmorProfile": "RuntimeDefault"}), "app", {"securityContext": {"appArmorProfile": "Unconfined"}})
	f := fx.only(rule.deny) with input as fx.inp([w])
	f.resource.fieldPath == "spec.template.spec.containers[name=app].securityContext.appArmorProfile.type"
}

test_confined_profiles_allowed if {
	w := fx.patch_container(fx.container_sc("app", {"appArmorProfile": "Localhost"}), "setup", {"securityContext": {"appArmorProfile": "localhost/k8s-web"}})
	count(rule.deny) == 0 with input as fx.inp([fx.patch_container(fx.pod_sc({"appArmorProfile": "RuntimeDefault"}), "debug", {"securityContext": {"appArmorProfile": "runtime/default"}})])
	count(rule.deny) == 0 with input as fx.inp([w])
}
