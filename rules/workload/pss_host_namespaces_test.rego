package fleetaudit.workload.pss_host_namespaces_test

import data.fleetaudit.lib.workload as wl
import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_host_namespaces as rule

test_host_namespaces_listed_with_their_cis_controls if {
	f := fx.only(rule.deny) with input as fx.inp([fx.pod({"hostNetwork": true, "hostPID": true})])
	f.msg == "Deployment shop/web: shares the node's namespaces: hostNetwork=true, hostPID=true (PSS restricted applies in namespace shop: label pod-security.kubernetes.io/enforce=restricted)"
	f.resource.fieldPath == "spec.template.spec"
	f.controls == [wl.cis("5.2.5"), wl.cis("5.2.3")]
}

test_one_host_namespace_points_at_its_field if {
	f := fx.only(rule.deny) with input as fx.inp([fx.pod({"hostIPC": true})])
	f.resource.fieldPath == "spec.template.spec.hostIPC"
	f.controls == [wl.cis("5.2.4")]
	not f.container
}

test_false_is_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.pod({"hostNetwork": false, "hostPID": false, "hostIPC": false})])
}

test_baseline_and_default_namespaces_judged if {
	w := fx.pod({"hostNetwork": true})
	count(rule.deny) == 1 with input as fx.in_namespace(w, "shop", {"enforce": "baseline"})
	f := fx.only(rule.deny) with input as fx.in_namespace(w, "shop", {})
	endswith(f.msg, "(PSS baseline applies in namespace shop: no pod-security label; fleet default workload.pss.default_level)")
}

test_privileged_namespace_not_judged if {
	count(rule.deny) == 0 with input as fx.in_namespace(fx.pod({"hostNetwork": true}), "shop", {"enforce": "privileged"})
	count(rule.deny) == 0 with input as fx.in_namespace(fx.pod({"hostNetwork": true}), "shop", {}) with data.fleetaudit.params as {"workload": {"pss": {"default_level": "privileged"}}}
}

test_system_namespace_exempt if {
	count(rule.deny) == 0 with input as fx.in_namespace(fx.pod({"hostPID": true}), "kube-system", {})
}
