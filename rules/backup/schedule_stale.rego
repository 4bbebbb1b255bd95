# METADATA
# title: Backup Schedule has no recent successful backup
# description: >-
#   The newest Completed backup of an active Velero Schedule (Backups labelled
#   velero.io/schedule-name) is older than its cron interval times params.backup.stale_factor,
#   or there is none although the schedule has existed that long, or its cron expression does
#   not parse: backups are failing, not being created, or expiring faster than they are made.
#   The interval is the longest gap between two runs of the cron expression (computed by the
#   collector). Paused schedules are FA-BAK-004's.
# related_resources:
#   - ref: https://velero.io/docs/main/troubleshooting/
# custom:
#   id: FA-BAK-005
#   reads: [backup, collectedAt]
#   severity: high
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Look at the schedule's latest backups (velero backup describe --details, velero backup
#     logs): a location that is not Available, a failing volume snapshotter or node agent, or
#     an invalid cron expression; fix it and check the next backup completes.
package fleetaudit.backup.schedule_stale

import data.fleetaudit.lib.backup as lib

factor := object.get(lib.params, "stale_factor", 2)

active contains s if {
	lib.installed
	some s in lib.facts.schedules
	s.paused != true
}

limit(s) := round(s.intervalSeconds * factor)

deny contains finding if {
	some s in active
	object.get(s, "cronError", "") != ""
	finding := {
		"msg": sprintf("Schedule %s never runs: %s", [lib.key(s), s.cronError]),
		"resource": lib.ref("Schedule", s),
	}
}

deny contains finding if {
	some s in active
	s.intervalSeconds > 0
	b := s.lastSuccessful
	age := lib.age(b.completedAt)
	age > limit(s)
	finding := object.union(
		{
			"msg": sprintf("Schedule %s: its last successful backup %s completed %s ago, more than %s × its interval of %s (%q)%s", [lib.key(s), b.name, lib.duration(age), format_number(factor), lib.duration(s.intervalSeconds), s.cron, latest(s)]),
			"resource": lib.ref("Schedule", s),
		},
		{"backup": b.name, "ageSeconds": age, "intervalSeconds": s.intervalSeconds, "limitSeconds": limit(s)},
	)
}

deny contains finding if {
	some s in active
	s.intervalSeconds > 0
	not s.lastSuccessful
	existed := lib.age(object.get(s, "createdAt", "1970-01-01T00:00:00Z"))
	existed > limit(s)
	finding := object.union(
		{
			"msg": sprintf("Schedule %s has no Completed backup, %s after it was created (interval %s, %q)%s", [lib.key(s), lib.duration(existed), lib.duration(s.intervalSeconds), s.cron, latest(s)]),
			"resource": lib.ref("Schedule", s),
		},
		{"ageSeconds": existed, "intervalSeconds": s.intervalSeconds, "limitSeconds": limit(s)},
	)
}

# latest says how the schedule's newest backup went when it did not complete.
latest(s) := sprintf("; its latest backup %s is %s%s", [s.latest.name, s.latest.phase, failure(s.latest)]) if {
	s.latest.phase != "Completed"
}

latest(s) := "" if {
	s.latest.phase == "Completed"
}

latest(s) := "" if not s.latest

failure(b) := sprintf(": %s", [b.failureReason]) if object.get(b, "failureReason", "") != ""

failure(b) := "" if object.get(b, "failureReason", "") == ""

format_number(x) := sprintf("%d", [x]) if x == round(x)

format_number(x) := sprintf("%v", [x]) if x != round(x)
