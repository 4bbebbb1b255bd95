# METADATA
# title: Kubelet and kube-proxy version skew
# description: >-
#   Every kubelet must be no newer than the API server and at most three minor versions older
#   (two before Kubernetes 1.28), per the Kubernetes version skew policy. A kubelet outside that
#   range is unsupported and may fail after the next control plane change.
# related_resources:
#   - ref: https://kubernetes.io/releases/version-skew-policy/
# custom:
#   id: FA-UPG-001
#   reads: [nodes, version]
#   severity: high
#   severities: [high, low]
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: >-
#     Upgrade the kubelet of each listed node (or replace the node from an up-to-date image)
#     to a minor version within the allowed range of the API server before changing the
#     control plane version.
package fleetaudit.upgrade.kubelet_skew

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.versions

params := k8s.params("kubelet_skew")

# The API server version judged against: the profile's target in the gate, else the current.
api := versions.target

# node_version is the kubelet's version, or kube-proxy's (deprecated, often absent).
node_version(node, "kubelet") := node.kubeletVersion

node_version(node, "kube-proxy") := node.kubeProxyVersion

# max_behind is how many minor versions a kubelet may lag an API server of minor api_minor.
max_behind(api_minor) := object.get(params, "max_minor_behind", 3) if {
	api_minor >= object.get(params, "three_minor_since", 28)
} else := object.get(params, "max_minor_behind_before", 2)

deny contains finding if {
	some node in input.cluster.nodes
	some component in ["kubelet", "kube-proxy"]
	kv := node_version(node, component)
	kv.major == api.major
	kv.minor > api.minor
	finding := {
		"msg": sprintf("%s %s on node %s is newer than the API server %s", [component, kv.gitVersion, node.name, api.gitVersion]),
		"resource": k8s.node_resource(node),
	}
}

deny contains finding if {
	some node in input.cluster.nodes
	some component in ["kubelet", "kube-proxy"]
	kv := node_version(node, component)
	kv.major == api.major
	behind := api.minor - kv.minor
	limit := max_behind(api.minor)
	behind > limit
	finding := {
		"msg": sprintf(
			"%s %s on node %s is %d minor versions behind the API server %s (at most %d allowed)",
			[component, kv.gitVersion, node.name, behind, api.gitVersion, limit],
		),
		"resource": k8s.node_resource(node),
	}
}

# At the limit now: fine today, but the next control plane minor breaks the policy. Only in
# audits; the gate judges against the profile's target directly.
warn contains finding if {
	not versions.profiled
	some node in input.cluster.nodes
	kv := node.kubeletVersion
	kv.major == api.major
	behind := api.minor - kv.minor
	behind > 0
	behind == max_behind(api.minor)
	finding := {
		"msg": sprintf(
			"kubelet %s on node %s is %d minor versions behind the API server %s, the most allowed: upgrade it before the control plane moves to %d.%d",
			[kv.gitVersion, node.name, behind, api.gitVersion, api.major, api.minor + 1],
		),
		"resource": k8s.node_resource(node),
		"severity": "low",
	}
}
