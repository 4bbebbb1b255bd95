# METADATA
# title: Backup Schedule is paused
# description: >-
#   A paused Velero Schedule (spec.paused) creates no backups: the namespaces it covers age
#   without one, whatever its cron expression says.
# related_resources:
#   - ref: https://velero.io/docs/main/backup-reference/#schedule-a-backup
# custom:
#   id: FA-BAK-004
#   reads: [backup, collectedAt]
#   severity: medium
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Unpause the schedule (velero schedule unpause NAME) or delete it and cover its
#     namespaces with another schedule.
package fleetaudit.backup.schedule_paused

import data.fleetaudit.lib.backup as lib

deny contains finding if {
	lib.installed
	some s in lib.facts.schedules
	s.paused == true
	finding := object.union(
		{
			"msg": sprintf("Schedule %s is paused: it creates no backups (%s)", [lib.key(s), last(s)]),
			"resource": lib.ref("Schedule", s),
		},
		details(s),
	)
}

last(s) := sprintf("its last successful backup completed %s ago", [lib.duration(lib.age(s.lastSuccessful.completedAt))])

last(s) := "it has no completed backup" if not s.lastSuccessful

details(s) := {"ageSeconds": lib.age(s.lastSuccessful.completedAt), "backup": s.lastSuccessful.name}

details(s) := {} if not s.lastSuccessful
