# METADATA
# title: No BackupStorageLocation is Available
# description: >-
#   Velero writes backups to a BackupStorageLocation that it has validated (status.phase
#   Available). With none Available, every backup fails; a location that is not Available
#   while another is fails the backups of the schedules that name it.
# related_resources:
#   - ref: https://velero.io/docs/main/locations/
# custom:
#   id: FA-BAK-002
#   reads: [backup]
#   severity: high
#   severities: [medium]
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Fix the location Velero reports (status.message: bucket, region, credentials of the
#     location's Secret, network access to the object store), or add a working location and
#     make it the default.
package fleetaudit.backup.location_unavailable

import data.fleetaudit.lib.backup as lib
import data.fleetaudit.lib.k8s

available := [l | some l in lib.facts.locations; l.phase == "Available"]

deny contains finding if {
	lib.installed
	count(lib.facts.locations) == 0
	finding := {
		"msg": "Velero has no BackupStorageLocation: backups have nowhere to go",
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	lib.installed
	some l in lib.facts.locations
	l.phase != "Available"
	finding := object.union(
		{
			"msg": sprintf("BackupStorageLocation %s (%s) is %s%s%s", [lib.key(l), l.provider, phase(l), reason(l), consequence]),
			"resource": lib.ref("BackupStorageLocation", l),
			"severity": severity,
		},
		{"phase": l.phase, "available": count(available)},
	)
}

phase(l) := "not validated yet" if l.phase == ""

phase(l) := l.phase if l.phase != ""

reason(l) := sprintf(": %s", [l.message]) if object.get(l, "message", "") != ""

reason(l) := "" if object.get(l, "message", "") == ""

consequence := ", and no location is Available: every backup fails" if count(available) == 0

consequence := sprintf(": the backups stored there fail (%d other location Available)", [count(available)]) if count(available) > 0

severity := "high" if count(available) == 0

severity := "medium" if count(available) > 0
