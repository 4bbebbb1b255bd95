# METADATA
# title: Backups failed recently
# description: >-
#   Velero Backups in phase Failed or PartiallyFailed that ran in the last
#   params.backup.failed_days days: a partially failed backup lacks some objects or volumes,
#   a failed one everything. One finding per schedule (its failed backups counted, the newest
#   named), one per failed backup started by hand.
# related_resources:
#   - ref: https://velero.io/docs/main/troubleshooting/
# custom:
#   id: FA-BAK-006
#   reads: [backup, collectedAt]
#   severity: medium
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Read the backup's errors (velero backup describe NAME --details; velero backup logs
#     NAME), fix their cause (storage location, volume snapshots, node agent, webhooks that
#     reject Velero), and check the next backup completes.
package fleetaudit.backup.backups_failed

import data.fleetaudit.lib.backup as lib

days := object.get(lib.params, "failed_days", 7)

ran(b) := b.completedAt if object.get(b, "completedAt", "") != ""

ran(b) := b.startedAt if {
	object.get(b, "completedAt", "") == ""
	object.get(b, "startedAt", "") != ""
}

# recent are the failed backups of the last days, newest first (the facts' order).
recent := [b |
	lib.installed
	some b in lib.facts.failed
	lib.age(ran(b)) <= days * 86400
]

schedules := {[b.namespace, b.schedule] | some b in recent; object.get(b, "schedule", "") != ""}

deny contains finding if {
	some [ns, name] in schedules
	runs := [b | some b in recent; b.namespace == ns; object.get(b, "schedule", "") == name]
	newest := runs[0]
	finding := object.union(
		{
			"msg": sprintf("Schedule %s/%s: %d failed or partially failed backups in the last %dd (newest %s: %s)", [ns, name, count(runs), days, newest.name, outcome(newest)]),
			"resource": lib.ref("Schedule", {"namespace": ns, "name": name}),
		},
		{"failed": count(runs), "backup": newest.name, "phase": newest.phase, "ageSeconds": lib.age(ran(newest))},
	)
}

deny contains finding if {
	some b in recent
	object.get(b, "schedule", "") == ""
	finding := object.union(
		{
			"msg": sprintf("Backup %s: %s", [lib.key(b), outcome(b)]),
			"resource": lib.ref("Backup", b),
		},
		{"phase": b.phase, "ageSeconds": lib.age(ran(b))},
	)
}

outcome(b) := sprintf("%s %s ago%s%s", [b.phase, lib.duration(lib.age(ran(b))), errors(b), reason(b)])

errors(b) := sprintf(", %d errors", [b.errors]) if object.get(b, "errors", 0) > 0

errors(b) := "" if object.get(b, "errors", 0) == 0

reason(b) := sprintf(": %s", [b.failureReason]) if object.get(b, "failureReason", "") != ""

reason(b) := "" if object.get(b, "failureReason", "") == ""
