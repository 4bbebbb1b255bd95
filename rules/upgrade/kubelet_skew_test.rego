package fleetaudit.upgrade.kubelet_skew_test

import data.fleetaudit.upgrade.kubelet_skew

v(minor) := {"gitVersion": sprintf("v1.%d.0", [minor]), "major": 1, "minor": minor, "patch": 0}

cluster(api_minor, kubelet_minors) := {"cluster": {
	"name": "c1",
	"version": v(api_minor),
	"nodes": [{"name": sprintf("n%d", [i]), "kubeletVersion": v(m)} | some i, m in kubelet_minors],
}}

test_kubelet_four_minors_behind_denied if {
	got := kubelet_skew.deny with input as cluster(34, [30])
	count(got) == 1
	some f in got
	f.resource == {"apiVersion": "v1", "kind": "Node", "name": "n0"}
	contains(f.msg, "4 minor versions behind")
	contains(f.msg, "at most 3 allowed")
}

test_kubelet_three_behind_allowed_but_warned if {
	count(kubelet_skew.deny) == 0 with input as cluster(34, [31])
	got := kubelet_skew.warn with input as cluster(34, [31])
	count(got) == 1
	some f in got
	f.severity == "low"
	contains(f.msg, "before the control plane moves to 1.35")
}

test_kubelet_same_or_one_behind_clean if {
	count(kubelet_skew.deny) == 0 with input as cluster(34, [34, 33, 32])
	count(kubelet_skew.warn) == 0 with input as cluster(34, [34, 33, 32])
}

test_kubelet_newer_than_apiserver_denied if {
	got := kubelet_skew.deny with input as cluster(33, [34])
	count(got) == 1
	some f in got
	contains(f.msg, "newer than the API server")
}

test_before_1_28_only_two_minors_allowed if {
	count(kubelet_skew.deny) == 1 with input as cluster(27, [24])
	count(kubelet_skew.deny) == 0 with input as cluster(28, [25])
}

test_threshold_from_data_document if {
	params := {"kubelet_skew": {"max_minor_behind": 1, "three_minor_since": 0}}
	count(kubelet_skew.deny) == 1 with input as cluster(34, [32]) with data.fleetaudit.params as params
}

test_node_without_kubelet_version_ignored if {
	inp := {"cluster": {"version": v(34), "nodes": [{"name": "n0"}]}}
	count(kubelet_skew.deny) == 0 with input as inp
}

test_gate_judges_against_profile_target if {
	inp := object.union(cluster(34, [32]), {"profile": {"target": v(35)}})
	count(kubelet_skew.deny) == 0 with input as inp
	inp2 := object.union(cluster(34, [31]), {"profile": {"target": v(35)}})
	got := kubelet_skew.deny with input as inp2
	some f in got
	contains(f.msg, "4 minor versions behind the API server v1.35.0")
	count(kubelet_skew.warn) == 0 with input as inp2
}

test_kube_proxy_skew if {
	inp := {"cluster": {"version": v(34), "nodes": [{"name": "n", "kubeletVersion": v(34), "kubeProxyVersion": v(29)}]}}
	some f in kubelet_skew.deny with input as inp
	startswith(f.msg, "kube-proxy v1.29.0 on node n is 5 minor versions behind")
}
