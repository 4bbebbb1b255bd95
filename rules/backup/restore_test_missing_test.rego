package fleetaudit.backup.restore_test_missing_test

import data.fleetaudit.backup.restore_test_missing as rule
import data.fleetaudit.lib.backup_fixture as fx

test_never_restored if {
	f := fx.only(rule.deny) with input as {"cluster": {"collectedAt": fx.collected, "backup": object.remove(object.union(fx.healthy, {"restores": 2}), ["lastRestore"])}}
	f.msg == "no Velero Restore has completed (2 restores listed): the backups were never shown to restore"
	f.resource == {"kind": "Cluster"}
}

test_old_restore if {
	old := object.union(fx.healthy.lastRestore, {"completedAt": "2026-06-01T06:00:00Z"})
	f := fx.only(rule.deny) with input as fx.cluster({"lastRestore": old})
	f.msg == "the last successful restore, velero/drill of backup nightly-20261001020000, completed 172d ago (more than 90d)"
	f.resource == {"apiVersion": "velero.io/v1", "kind": "Restore", "namespace": "velero", "name": "drill"}
	object.subset(f, {"ageSeconds": 14860800})
}

test_days_is_a_parameter if {
	count(rule.deny) == 1 with input as fx.cluster({}) with data.fleetaudit.params.backup.restore_test_days as 30
}

test_recent_restore if {
	count(rule.deny) == 0 with input as fx.cluster({})
}

test_not_installed if {
	count(rule.deny) == 0 with input as {"cluster": {"collectedAt": fx.collected, "backup": {"installed": false, "restores": 0}}}
}
