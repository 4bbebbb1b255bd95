package fleetaudit.workload.pss_hostpath_volumes_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_hostpath_volumes as rule

test_hostpath_volume_with_its_path if {
	w := fx.pod({"volumes": [{"name": "cfg", "type": "configMap"}, {"name": "sock", "type": "hostPath", "hostPath": "/var/run/docker.sock"}]})
	f := fx.only(rule.deny) with input as fx.in_namespace(w, "shop", {"warn": "baseline"})
	f.msg == `Deployment shop/web: hostPath volumes: volume "sock" [/var/run/docker.sock] (PSS baseline applies in namespace shop: label pod-security.kubernetes.io/warn=baseline)`
	f.resource.fieldPath == "spec.template.spec.volumes[name=sock].hostPath"
	not f.containers
}

test_other_volumes_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
	count(rule.deny) == 0 with input as fx.in_namespace(fx.pod({"volumes": [{"name": "n", "type": "nfs"}]}), "shop", {"enforce": "baseline"})
}
