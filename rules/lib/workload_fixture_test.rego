# Test fixtures for the workload rules: a Deployment that every workload rule accepts, in a
# namespace labelled restricted, and helpers that change one thing of it.
package fleetaudit.lib.workload_fixture

# container is a container that the restricted level and every other workload rule accept.
container(name) := {
	"name": name,
	"type": "container",
	"image": {
		"ref": "registry.example.com/shop/web:1.2.3@sha256:0123",
		"registry": "registry.example.com",
		"repository": "registry.example.com/shop/web",
		"tag": "1.2.3",
		"digest": "sha256:0123",
	},
	"securityContext": {"allowPrivilegeEscalation": false, "capabilitiesDrop": ["ALL"], "readOnlyRootFilesystem": true},
	"livenessProbe": true,
	"readinessProbe": true,
	"requests": {"cpuMillis": 100, "memoryBytes": 134217728},
	"limits": {"memoryBytes": 134217728},
}

init_container(name) := object.union(container(name), {"type": "initContainer", "livenessProbe": false, "readinessProbe": false})

ephemeral_container(name) := object.union(container(name), {"type": "ephemeralContainer", "livenessProbe": false, "readinessProbe": false})

# compliant is a Deployment shop/web with a container "app", an init container "setup" and
# an ephemeral container "debug", and one volume of every type the restricted level allows.
compliant := {
	"kind": "Deployment",
	"apiVersion": "apps/v1",
	"namespace": "shop",
	"name": "web",
	"pod": {
		"securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": "RuntimeDefault"},
		"serviceAccount": "web",
		"automountToken": true,
		"volumes": [{"name": t, "type": t} | some t in [
			"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
			"persistentVolumeClaim", "projected", "secret",
		]],
		"containers": [container("app"), init_container("setup"), ephemeral_container("debug")],
	},
}

# default_deny is a NetworkPolicy that denies all ingress in namespace ns.
default_deny(ns) := {"namespace": ns, "name": "default-deny", "selectsAll": true, "policyTypes": ["Ingress"], "ingressRules": 0, "egressRules": 0}

namespace(name, labels) := {"name": name, "podSecurity": labels}

restricted := {"enforce": "restricted"}

# cluster is the input with workloads ws, namespaces nss and NetworkPolicies nps.
cluster(ws, nss, nps) := {"cluster": {"workloads": {"items": ws, "namespaces": nss, "networkPolicies": nps}}}

# inp is the input with workloads ws in namespace shop, labelled restricted and guarded by
# a default-deny NetworkPolicy.
inp(ws) := cluster(ws, [namespace("shop", restricted)], [default_deny("shop")])

# in_namespace is the input with workload w moved to namespace ns, labelled labels.
in_namespace(w, ns, labels) := cluster([object.union(w, {"namespace": ns})], [namespace(ns, labels)], [default_deny(ns)])

# pod(patch) is compliant with its pod spec merged with patch (object.union: nested objects
# merge, arrays are replaced).
pod(patch) := object.union(compliant, {"pod": patch})

# pod_sc(patch) is compliant with patch merged into the pod's security context.
pod_sc(patch) := pod({"securityContext": patch})

# container_sc(name, patch) is compliant with patch merged into container name's own
# security context.
container_sc(name, patch) := patch_container(compliant, name, {"securityContext": patch})

# patch_container is w with container name merged with patch.
patch_container(w, name, patch) := object.union(w, {"pod": {"containers": [patched(c, name, patch) | some c in w.pod.containers]}})

patched(c, name, patch) := object.union(c, patch) if c.name == name

patched(c, name, _) := c if c.name != name

# without_sc(w, name, key) is w with key removed from container name's own security context.
without_sc(w, name, key) := object.union(w, {"pod": {"containers": [removed(c, name, key) | some c in w.pod.containers]}})

removed(c, name, key) := replace(c, "securityContext", object.remove(c.securityContext, [key])) if c.name == name

removed(c, name, _) := c if c.name != name

# without_pod_sc(w, key) is w with key removed from the pod's security context.
without_pod_sc(w, key) := replace(w, "pod", replace(w.pod, "securityContext", object.remove(w.pod.securityContext, [key])))

# replace is obj with key set to value (object.union would merge nested objects).
replace(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

# only(findings) is the single finding of a one-element set.
only(findings) := f if {
	count(findings) == 1
	some f in findings
}
