package fleetaudit.workload.image_mutable_tag_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.image_mutable_tag as rule

image(ref, tag, digest) := {"ref": ref, "registry": "docker.io", "repository": "docker.io/library/nginx", "tag": tag, "digest": digest}

test_latest_and_untagged if {
	w := fx.patch_container(fx.patch_container(fx.compliant, "app", {"image": image("nginx", "", "")}), "setup", {"image": image("nginx:latest", "latest", "")})
	f := fx.only(rule.deny) with input as fx.inp([w])
	f.msg == `Deployment shop/web: image tagged latest or untagged, without a digest: container "app" [nginx], init container "setup" [nginx:latest]`
	f.containers == ["app", "setup"]
}

test_ephemeral_container_points_at_its_image if {
	f := fx.only(rule.deny) with input as fx.inp([fx.patch_container(fx.compliant, "debug", {"image": image("busybox", "", "")})])
	f.resource.fieldPath == "spec.template.spec.ephemeralContainers[name=debug].image"
}

test_digest_or_version_tag_allowed if {
	w := fx.patch_container(fx.patch_container(fx.compliant, "app", {"image": image("nginx:latest@sha256:1", "latest", "sha256:1")}), "setup", {"image": image("nginx:1.27", "1.27", "")})
	count(rule.deny) == 0 with input as fx.inp([w])
}

test_privileged_namespace_still_judged if {
	count(rule.deny) == 1 with input as fx.in_namespace(fx.patch_container(fx.compliant, "app", {"image": image("nginx", "", "")}), "infra", {"enforce": "privileged"})
}
