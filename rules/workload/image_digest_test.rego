package fleetaudit.workload.image_digest_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.image_digest as rule

image(ref, tag, digest) := {"ref": ref, "registry": "docker.io", "repository": "docker.io/library/nginx", "tag": tag, "digest": digest}

test_version_tag_without_digest if {
	f := fx.only(rule.warn) with input as fx.inp([fx.patch_container(fx.compliant, "setup", {"image": image("nginx:1.27", "1.27", "")})])
	f.msg == `Deployment shop/web: image not pinned by digest: init container "setup" [nginx:1.27]`
	f.container == "setup"
}

test_latest_left_to_fa_wl_018 if {
	count(rule.warn) == 0 with input as fx.inp([fx.patch_container(fx.compliant, "app", {"image": image("nginx", "", "")})])
}

test_digest_allowed if {
	count(rule.warn) == 0 with input as fx.inp([fx.compliant])
}
