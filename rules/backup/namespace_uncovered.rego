# METADATA
# title: Namespaces with workloads that no backup Schedule includes
# description: >-
#   A namespace runs workloads (Deployments, StatefulSets, DaemonSets, CronJobs) and no
#   active Velero Schedule takes it in (its includedNamespaces, "*" or none meaning all, and
#   its excludedNamespaces, which win): its objects and volumes are never backed up. Paused
#   schedules do not count. Namespaces in params.backup.exempt_namespaces (names or globs)
#   are not judged; neither is any namespace when there is no schedule at all (FA-BAK-003).
# related_resources:
#   - ref: https://velero.io/docs/main/resource-filtering/
# custom:
#   id: FA-BAK-007
#   reads: [backup]
#   severity: medium
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Add the namespace to a schedule's includedNamespaces (or remove it from
#     excludedNamespaces), or exempt it in params.backup.exempt_namespaces if it holds
#     nothing worth restoring.
package fleetaudit.backup.namespace_uncovered

import data.fleetaudit.lib.backup as lib
import data.fleetaudit.lib.k8s

paused := {lib.key(s) | some s in lib.facts.schedules; s.paused == true}

deny contains finding if {
	lib.installed
	count(lib.facts.schedules) > 0
	some ns in lib.facts.namespaces
	not lib.exempt(ns.name)
	active := [s | some s in ns.schedules; not s in paused]
	count(active) == 0
	finding := object.union(
		{
			"msg": sprintf("namespace %s runs %d workloads and no active Schedule backs it up%s", [ns.name, ns.workloads, only_paused(ns)]),
			"resource": k8s.namespace_resource(ns.name),
		},
		{"workloads": ns.workloads},
	)
}

only_paused(ns) := sprintf(" (only paused ones include it: %s)", [concat(", ", ns.schedules)]) if count(ns.schedules) > 0

only_paused(ns) := "" if count(ns.schedules) == 0
