package fleetaudit.workload.pss_seccomp_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_seccomp as rule

test_pod_unconfined_even_when_containers_override if {
	w := fx.pod({
		"securityContext": {"seccompProfile": "Unconfined"},
		"containers": [object.union(fx.container("app"), {"securityContext": {"seccompProfile": "RuntimeDefault"}})],
	})
	f := fx.only(rule.deny) with input as fx.in_namespace(w, "shop", {"enforce": "baseline"})
	f.msg == "Deployment shop/web: seccomp profile other than RuntimeDefault or Localhost: the pod [Unconfined] (PSS baseline applies in namespace shop: label pod-security.kubernetes.io/enforce=baseline)"
	f.resource.fieldPath == "spec.template.spec.securityContext.seccompProfile.type"
}

test_container_unconfined_overrides_the_pod if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("setup", {"seccompProfile": "Unconfined"})])
	f.container == "setup"
}

test_unset_runtime_default_and_localhost_allowed if {
	w := fx.without_pod_sc(fx.container_sc("app", {"seccompProfile": "Localhost"}), "seccompProfile")
	count(rule.deny) == 0 with input as fx.in_namespace(w, "shop", {"enforce": "baseline"})
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}
