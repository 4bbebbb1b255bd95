package fleetaudit.workload.pss_privileged_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_privileged as rule

test_privileged_init_container if {
	f := fx.only(rule.deny) with input as fx.inp([fx.container_sc("setup", {"privileged": true})])
	f.msg == `Deployment shop/web: securityContext.privileged=true on init container "setup" (PSS restricted applies in namespace shop: label pod-security.kubernetes.io/enforce=restricted)`
	f.resource == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web", "fieldPath": "spec.template.spec.initContainers[name=setup].securityContext.privileged"}
	f.container == "setup"
}

test_privileged_containers_listed_in_one_finding if {
	w := fx.patch_container(fx.container_sc("debug", {"privileged": true}), "app", {"securityContext": {"privileged": true}})
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `on container "app", ephemeral container "debug" (`)
	f.containers == ["app", "debug"]
	f.resource.fieldPath == "spec.template.spec"
}

test_cronjob_and_pod_field_paths if {
	cj := object.union(fx.container_sc("app", {"privileged": true}), {"kind": "CronJob", "apiVersion": "batch/v1"})
	f := fx.only(rule.deny) with input as fx.inp([cj])
	f.resource.fieldPath == "spec.jobTemplate.spec.template.spec.containers[name=app].securityContext.privileged"
	f.resource.apiVersion == "batch/v1"
	pod := object.union(fx.container_sc("app", {"privileged": true}), {"kind": "Pod", "apiVersion": "v1"})
	g := fx.only(rule.deny) with input as fx.inp([pod])
	g.resource.fieldPath == "spec.containers[name=app].securityContext.privileged"
}

test_privileged_false_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.container_sc("app", {"privileged": false})])
}

test_exempt_namespace_and_override if {
	w := fx.container_sc("app", {"privileged": true})
	count(rule.deny) == 0 with input as fx.in_namespace(w, "kube-system", {})
	count(rule.deny) == 1 with input as fx.in_namespace(w, "kube-system", {}) with data.fleetaudit.params as {"workload": {"exempt_namespaces": []}}
}
