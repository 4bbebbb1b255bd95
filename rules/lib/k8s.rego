# METADATA
# description: Shared helpers for fleetaudit rules.
package fleetaudit.lib.k8s

# params returns the tuning document of one rule area, or {} when absent.
params(area) := object.get(data.fleetaudit.params, area, {})

# A finding's resource is an object reference: {apiVersion, kind, name} plus namespace for
# namespaced objects, kinds in their API spelling. ref builds one.
ref(api_version, kind, "", name) := {"apiVersion": api_version, "kind": kind, "name": name}

ref(api_version, kind, ns, name) := {"apiVersion": api_version, "kind": kind, "namespace": ns, "name": name} if ns != ""

# node_resource is the resource of a node.
node_resource(node) := ref("v1", "Node", "", node.name)

# namespace_resource is the resource of a namespace.
namespace_resource(name) := ref("v1", "Namespace", "", name)

# cluster_resource is the resource of a finding about the cluster as a whole.
cluster_resource := {"kind": "Cluster"}

# workload_resource is the resource of a workload controller ({kind, namespace, name}).
workload_resource(w) := ref(workload_api_version(w.kind), w.kind, w.namespace, w.name)

workload_api_version(kind) := "batch/v1" if kind in {"Job", "CronJob"}

workload_api_version(kind) := "v1" if kind in {"Pod", "ReplicationController"}

workload_api_version(kind) := "apps/v1" if not kind in {"Job", "CronJob", "Pod", "ReplicationController"}

# key_resource is the resource of an RBAC key: "Kind/NAME" or "Kind/NAMESPACE/NAME" (the keys
# of roles, bindings and subjects in the RBAC facts).
key_resource(key) := ref(rbac_api_version(parts[0]), parts[0], "", parts[1]) if {
	parts := split(key, "/")
	count(parts) == 2
}

key_resource(key) := ref(rbac_api_version(parts[0]), parts[0], parts[1], concat("/", array.slice(parts, 2, count(parts)))) if {
	parts := split(key, "/")
	count(parts) > 2
}

rbac_api_version("ServiceAccount") := "v1"

rbac_api_version(kind) := "rbac.authorization.k8s.io/v1" if kind != "ServiceAccount"

# money formats an amount with two decimals. (sprintf's %f fails on whole numbers, which Rego
# keeps as integers.)
money(x) := sprintf("%d.%02d", [floor(c / 100), c % 100]) if {
	c := round(x * 100)
}

# rate formats an amount with four decimals (hourly prices).
rate(x) := sprintf("%d.%04d", [floor(c / 10000), c % 10000]) if {
	c := round(x * 10000)
}
