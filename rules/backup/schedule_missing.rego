# METADATA
# title: Velero has no backup Schedule
# description: >-
#   Velero is installed but no Schedule creates backups: the cluster is backed up only when
#   someone remembers to start a backup by hand.
# related_resources:
#   - ref: https://velero.io/docs/main/backup-reference/#schedule-a-backup
# custom:
#   id: FA-BAK-003
#   reads: [backup, collectedAt]
#   severity: high
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Create a Schedule that backs up every namespace (velero schedule create nightly
#     --schedule "0 2 * * *" --ttl 720h), with its storage location and a retention that
#     covers your recovery needs.
package fleetaudit.backup.schedule_missing

import data.fleetaudit.lib.backup as lib
import data.fleetaudit.lib.k8s

deny contains finding if {
	lib.installed
	count(lib.facts.schedules) == 0
	finding := {
		"msg": sprintf("Velero has no Schedule: %s", [last]),
		"resource": k8s.cluster_resource,
	}
}

last := sprintf("backups run only by hand (the newest, %s, completed %s ago)", [lib.key(b), lib.duration(lib.age(b.completedAt))]) if {
	b := lib.facts.lastSuccessful
}

last := "no backup has ever completed" if not lib.facts.lastSuccessful
