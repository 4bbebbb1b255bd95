# METADATA
# title: No recent restore test
# description: >-
#   No Velero Restore has completed in the last params.backup.restore_test_days days: backups
#   that were never restored are a hope, not a plan. Test a restore (into a scratch
#   namespace or cluster) before an upgrade and regularly.
# related_resources:
#   - ref: https://velero.io/docs/main/restore-reference/
# custom:
#   id: FA-BAK-008
#   reads: [backup, collectedAt]
#   severity: medium
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Restore a recent backup into a scratch namespace (velero restore create --from-backup
#     NAME --namespace-mappings shop:shop-restore-test), check the application comes up, and
#     delete the copy; repeat on a schedule.
package fleetaudit.backup.restore_test_missing

import data.fleetaudit.lib.backup as lib
import data.fleetaudit.lib.k8s

days := object.get(lib.params, "restore_test_days", 90)

deny contains finding if {
	lib.installed
	not lib.facts.lastRestore
	finding := {
		"msg": sprintf("no Velero Restore has completed (%d restores listed): the backups were never shown to restore", [lib.facts.restores]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	lib.installed
	r := lib.facts.lastRestore
	age := lib.age(r.completedAt)
	age > days * 86400
	finding := {
		"msg": sprintf("the last successful restore, %s of backup %s, completed %s ago (more than %dd)", [lib.key(r), r.backup, lib.duration(age), days]),
		"resource": lib.ref("Restore", r),
		"ageSeconds": age,
	}
}
