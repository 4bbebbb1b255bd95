package fleetaudit.workload.image_registry_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.image_registry as rule

hub := {"ref": "nginx:1.27", "registry": "docker.io", "repository": "docker.io/library/nginx", "tag": "1.27"}

ecr := {"ref": "1234.dkr.ecr.eu-west-1.amazonaws.com/web:1", "registry": "1234.dkr.ecr.eu-west-1.amazonaws.com", "repository": "1234.dkr.ecr.eu-west-1.amazonaws.com/web", "tag": "1"}

params := {"workload": {"images": {"allowed_registries": ["registry.example.com", "*.dkr.ecr.eu-west-1.amazonaws.com"]}}}

mixed := fx.patch_container(fx.patch_container(fx.compliant, "setup", {"image": hub}), "debug", {"image": ecr})

test_off_by_default if {
	count(rule.deny) == 0 with input as fx.inp([mixed])
}

test_registry_outside_the_list if {
	f := fx.only(rule.deny) with input as fx.inp([mixed]) with data.fleetaudit.params as params
	f.msg == `Deployment shop/web: image from a registry outside workload.images.allowed_registries: init container "setup" [nginx:1.27 from docker.io]`
	f.resource.fieldPath == "spec.template.spec.initContainers[name=setup].image"
}

test_exempt_namespace_not_judged if {
	count(rule.deny) == 0 with input as fx.in_namespace(mixed, "kube-system", {}) with data.fleetaudit.params as params
}
