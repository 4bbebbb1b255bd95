package fleetaudit.workload.pss_volume_types_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_volume_types as rule

test_inline_volume_types if {
	w := fx.pod({"volumes": [{"name": "share", "type": "nfs"}, {"name": "cfg", "type": "configMap"}, {"name": "src", "type": "gitRepo"}]})
	f := fx.only(rule.deny) with input as fx.inp([w])
	f.msg == `Deployment shop/web: volume types outside the restricted set: volume "share" [nfs], volume "src" [gitRepo] (PSS restricted applies in namespace shop: label pod-security.kubernetes.io/enforce=restricted)`
	f.resource.fieldPath == "spec.template.spec"
}

test_one_volume_points_at_it if {
	f := fx.only(rule.deny) with input as fx.inp([fx.pod({"volumes": [{"name": "h", "type": "hostPath", "hostPath": "/"}]})])
	f.resource.fieldPath == "spec.template.spec.volumes[name=h]"
}

test_baseline_namespace_not_judged if {
	count(rule.deny) == 0 with input as fx.in_namespace(fx.pod({"volumes": [{"name": "share", "type": "nfs"}]}), "shop", {"enforce": "baseline", "warn": "baseline"})
}

test_allowed_types if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}
