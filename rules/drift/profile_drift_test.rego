package fleetaudit.drift.profile_drift_test

import data.fleetaudit.drift.profile_drift as rule

v(minor, patch) := {"gitVersion": sprintf("v1.%d.%d", [minor, patch]), "major": 1, "minor": minor, "patch": patch}

layer(name, chart, version) := {"name": name, "type": "addon", "chart": {"name": chart, "version": version}}

ver(version, minor, layers) := {
	"name": "platform", "version": version, "id": sprintf("platform@%s", [version]),
	"kubernetesVersion": sprintf("v1.%d.2", [minor]), "target": v(minor, 2), "layers": layers,
}

versions := [
	ver("3.1.0", 33, [layer("cni", "cilium", "1.17.0"), layer("ingress", "ingress-nginx", "4.12.0")]),
	ver("3.2.0", 34, [layer("cni", "cilium", "1.18.2"), layer("ingress", "ingress-nginx", "4.13.0")]),
	ver("3.3.0", 35, [layer("cni", "cilium", "1.18.2"), layer("gateway", "envoy-gateway", "1.5.0")]),
]

chart(name, version) := {"namespace": "kube-system", "release": name, "chart": name, "version": version}

inp(minor, patch, charts, pinned) := {
	"cluster": {"version": v(minor, patch), "upgrade": {"charts": charts}},
	"bound": {"name": "platform", "pinned": pinned, "versions": versions},
}

msgs(set) := {f.msg | some f in set}

test_in_line_with_its_profile_version if {
	count(rule.deny) == 0 with input as inp(34, 2, [chart("cilium", "1.18.2"), chart("ingress-nginx", "4.13.0")], "")
}

test_missing_and_other_version if {
	got := msgs(rule.deny) with input as inp(34, 2, [chart("cilium", "1.17.0")], "")
	got == {
		"layer ingress (addon chart ingress-nginx 4.13.0) of profile platform@3.2.0 is not installed",
		"layer cni runs chart cilium 1.17.0 (release kube-system/cilium), its profile platform@3.2.0 says 1.18.2",
	}
}

test_dropped_layer_still_installed_and_patch_off if {
	got := rule.deny with input as inp(35, 0, [chart("cilium", "1.18.2"), chart("envoy-gateway", "1.5.0"), chart("ingress-nginx", "4.13.0")], "")
	msgs(got) == {
		"runs Kubernetes v1.35.0, its profile platform@3.3.0 is at v1.35.2",
		"chart ingress-nginx 4.13.0 (release kube-system/ingress-nginx) is installed, but profile platform@3.3.0 has no layer with it any more (an earlier version had one)",
	}
	every f in got {
		f.severity == "low"
	}
}

test_no_version_for_the_minor if {
	msgs(rule.deny) == {"runs Kubernetes v1.32.9, but no version of profile platform is meant for 1.32 (its versions target 1.33, 1.34, 1.35)"} with input as inp(32, 9, [], "")
}

test_pinned_version_off_minor if {
	got := msgs(rule.deny) with input as inp(34, 2, [chart("cilium", "1.17.0"), chart("ingress-nginx", "4.12.0")], "3.1.0")
	"runs Kubernetes v1.34.2, but its pinned profile platform@3.1.0 is for v1.33.2" in got
}

test_no_binding_no_drift if {
	count(rule.deny) == 0 with input as {"cluster": {"version": v(34, 2), "upgrade": {"charts": []}}}
}

# A layer with an image is recognised without Helm's labels (a managed add-on): at its tag no
# finding, at another tag a finding naming the workload, absent still "not installed".
image_versions := [ver("3.2.0", 34, [
	layer("cni", "cilium", "1.18.2"),
	object.union(layer("ebs", "aws-ebs-csi-driver", "2.45.0"), {"image": {"repository": "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver", "tag": "v1.45.0"}}),
])]

image_inp(images) := {
	"cluster": {"version": v(34, 2), "upgrade": {"charts": [chart("cilium", "1.18.2")], "images": images}},
	"bound": {"name": "platform", "pinned": "", "versions": image_versions},
}

ebs(tag) := {"namespace": "kube-system", "workload": "Deployment/ebs-csi-controller", "repository": "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver", "tag": tag}

test_layer_recognised_by_its_image if {
	count(rule.deny) == 0 with input as image_inp([ebs("v1.45.0")])
}

test_layer_image_at_another_tag if {
	msgs(rule.deny) == {"layer ebs runs image public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.44.0 (kube-system/Deployment/ebs-csi-controller, not installed by Helm), its profile platform@3.2.0 says tag v1.45.0"} with input as image_inp([ebs("v1.44.0")])
}

test_layer_image_absent if {
	msgs(rule.deny) == {"layer ebs (addon chart aws-ebs-csi-driver 2.45.0) of profile platform@3.2.0 is not installed"} with input as image_inp([])
}
