# METADATA
# description: >-
#   Shared helpers of the backup rules: the backup facts (input.cluster.backup), their
#   parameters (data.fleetaudit.params.backup), ages measured from the facts' collectedAt
#   (never the clock, so a snapshot gives the same findings on any day), and Velero resources.
package fleetaudit.lib.backup

import data.fleetaudit.lib.k8s

params := k8s.params("backup")

facts := input.cluster.backup

default_exempt_namespaces := ["kube-system", "kube-public", "kube-node-lease", "velero"]

# installed holds when Velero's API is served; the other rules judge only then.
installed if facts.installed == true

# exempt holds for namespaces (names or globs) that need no backup schedule.
exempt(ns) if {
	some pattern in object.get(params, "exempt_namespaces", default_exempt_namespaces)
	glob.match(pattern, null, ns)
}

# age is how many whole seconds before collection the RFC 3339 time ts was.
age(ts) := round((time.parse_rfc3339_ns(input.cluster.collectedAt) - time.parse_rfc3339_ns(ts)) / 1000000000)

# duration writes seconds the way people read ages: 21d, 2d 4h, 5h 30m, 45m, 30s.
duration(s) := sprintf("%dd", [floor(s / 86400)]) if {
	s >= 86400
	s % 86400 < 3600
}

duration(s) := sprintf("%dd %dh", [floor(s / 86400), floor((s % 86400) / 3600)]) if {
	s >= 86400
	s % 86400 >= 3600
}

duration(s) := sprintf("%dh", [floor(s / 3600)]) if {
	s >= 3600
	s < 86400
	s % 3600 < 60
}

duration(s) := sprintf("%dh %dm", [floor(s / 3600), floor((s % 3600) / 60)]) if {
	s >= 3600
	s < 86400
	s % 3600 >= 60
}

duration(s) := sprintf("%dm", [floor(s / 60)]) if {
	s >= 60
	s < 3600
}

duration(s) := sprintf("%ds", [s]) if s < 60

# ref is the resource of a velero.io/v1 object.
ref(kind, obj) := k8s.ref("velero.io/v1", kind, obj.namespace, obj.name)

# key names a Velero object: namespace/name.
key(obj) := sprintf("%s/%s", [obj.namespace, obj.name])
