package fleetaudit.lib.workload_test

import data.fleetaudit.lib.workload as wl
import data.fleetaudit.lib.workload_fixture as fx

labelled(labels) := fx.in_namespace(fx.compliant, "shop", labels)

test_level_is_the_strictest_label if {
	p := wl.pss.shop with input as labelled({"enforce": "baseline", "audit": "privileged", "warn": "restricted"})
	p == {"level": "restricted", "source": "label pod-security.kubernetes.io/warn=restricted"}
}

test_level_tie_names_the_first_mode if {
	p := wl.pss.shop with input as labelled({"warn": "baseline", "enforce": "baseline"})
	p.source == "label pod-security.kubernetes.io/enforce=baseline"
}

test_unlabelled_namespace_uses_the_fleet_default if {
	p := wl.pss.shop with input as labelled({})
	p == {"level": "baseline", "source": "no pod-security label; fleet default workload.pss.default_level"}
}

test_version_labels_alone_are_no_level if {
	p := wl.pss.shop with input as labelled({"enforce-version": "v1.30", "warn-version": "latest"})
	p.level == "baseline"
	contains(p.source, "fleet default")
}

test_namespace_missing_from_facts_uses_the_fleet_default if {
	inp := fx.cluster([fx.compliant], [], [])
	p := wl.pss.shop with input as inp
	p.level == "baseline"
}

test_fleet_default_overridden if {
	p := wl.pss.shop with input as labelled({}) with data.fleetaudit.params as {"workload": {"pss": {"default_level": "restricted"}}}
	p.level == "restricted"
	count(wl.pss_items.restricted) == 1 with input as labelled({}) with data.fleetaudit.params as {"workload": {"pss": {"default_level": "restricted"}}}
}

test_fleet_default_privileged_turns_unlabelled_namespaces_off if {
	params := {"workload": {"pss": {"default_level": "privileged"}}}
	count(wl.pss_items.baseline) == 0 with input as labelled({}) with data.fleetaudit.params as params
	count(wl.pss_items.baseline) == 1 with input as labelled({"audit": "baseline"}) with data.fleetaudit.params as params
}

test_privileged_label_wins_over_a_strict_default if {
	params := {"workload": {"pss": {"default_level": "restricted"}}}
	count(wl.pss_items.baseline) == 0 with input as labelled({"enforce": "privileged"}) with data.fleetaudit.params as params
}

test_baseline_namespace_gets_baseline_controls_only if {
	count(wl.pss_items.baseline) == 1 with input as labelled({"enforce": "baseline"})
	count(wl.pss_items.restricted) == 0 with input as labelled({"enforce": "baseline"})
}

test_invalid_enforce_value_is_restricted if {
	p := wl.pss.shop with input as labelled({"enforce": "Restricted"})
	p.level == "restricted"
	p.source == `label pod-security.kubernetes.io/enforce="Restricted", not a level, read as restricted as Pod Security Admission does`
}

test_invalid_warn_value_is_privileged if {
	p := wl.pss.shop with input as labelled({"enforce": "baseline", "warn": "strict"})
	p.level == "baseline"
}

test_invalid_fleet_default_is_restricted if {
	p := wl.pss.shop with input as labelled({}) with data.fleetaudit.params as {"workload": {"pss": {"default_level": "strict"}}}
	p.level == "restricted"
	contains(p.source, `default_level="strict" is not a level`)
}

test_system_namespaces_exempt_by_default if {
	count(wl.items) == 0 with input as fx.in_namespace(fx.compliant, "kube-system", {})
	count(wl.items) == 1 with input as fx.in_namespace(fx.compliant, "kube-systemx", {})
}

test_exempt_namespaces_overridden_with_globs if {
	params := {"workload": {"exempt_namespaces": ["team-*"]}}
	count(wl.items) == 0 with input as fx.in_namespace(fx.compliant, "team-a", {}) with data.fleetaudit.params as params
	count(wl.items) == 1 with input as fx.in_namespace(fx.compliant, "kube-system", {}) with data.fleetaudit.params as params
}

test_no_workload_facts_no_items if {
	count(wl.items) == 0 with input as {"cluster": {}}
}

# item is workload w as the rules see it, in namespace shop.
item(w) := x if {
	x := wl.items[0] with input as fx.inp([w])
}

test_field_paths_by_kind if {
	w := item(fx.compliant)
	wl.container_path(w, w.pod.containers[0], "securityContext.privileged") == "spec.template.spec.containers[name=app].securityContext.privileged"
	pod := item(object.union(fx.compliant, {"kind": "Pod"}))
	wl.container_path(pod, pod.pod.containers[1], "") == "spec.initContainers[name=setup]"
	cj := item(object.union(fx.compliant, {"kind": "CronJob"}))
	wl.container_path(cj, cj.pod.containers[2], "securityContext") == "spec.jobTemplate.spec.template.spec.ephemeralContainers[name=debug].securityContext"
	wl.pod_path(item(object.union(fx.compliant, {"kind": "Job"})), "hostPID") == "spec.template.spec.hostPID"
	wl.volume_path(item(object.union(fx.compliant, {"kind": "StatefulSet"})), {"name": "data"}, "hostPath") == "spec.template.spec.volumes[name=data].hostPath"
}

test_finding_names_one_container if {
	w := item(fx.compliant)
	f := wl.finding(w, [wl.container_place(w.pod.containers[1], "securityContext.privileged", "")], "m")
	f == {
		"msg": "m",
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web", "fieldPath": "spec.template.spec.initContainers[name=setup].securityContext.privileged"},
		"container": "setup",
		"containers": ["setup"],
	}
}

test_finding_at_several_places_points_at_the_pod_spec if {
	w := item(fx.compliant)
	places := [wl.pod_place("securityContext.runAsUser", "0"), wl.container_place(w.pod.containers[0], "securityContext.runAsUser", ""), wl.container_place(w.pod.containers[2], "securityContext.runAsUser", "")]
	f := wl.finding(w, places, "m")
	f.resource.fieldPath == "spec.template.spec"
	f.containers == ["app", "debug"]
	not f.container
	wl.where(places) == `the pod [0], container "app", ephemeral container "debug"`
}

test_finding_without_containers if {
	w := item(fx.compliant)
	f := wl.finding(w, [wl.field_place("hostPID", "hostPID=true")], "m")
	f.resource.fieldPath == "spec.template.spec.hostPID"
	not f.containers
}

test_api_version_falls_back_on_the_kind if {
	wl.api_version({"kind": "CronJob", "apiVersion": ""}) == "batch/v1"
	wl.api_version({"kind": "CronJob", "apiVersion": "batch/v1beta1"}) == "batch/v1beta1"
}

test_note_and_name if {
	w := item(fx.compliant)
	wl.name(w) == "Deployment shop/web"
	n := wl.note(w) with input as fx.inp([fx.compliant])
	n == "(PSS restricted applies in namespace shop: label pod-security.kubernetes.io/enforce=restricted)"
}
