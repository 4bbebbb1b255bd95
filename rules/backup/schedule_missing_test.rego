package fleetaudit.backup.schedule_missing_test

import data.fleetaudit.backup.schedule_missing as rule
import data.fleetaudit.lib.backup_fixture as fx

test_no_schedule_with_manual_backup if {
	f := fx.only(rule.deny) with input as fx.cluster({"schedules": []})
	f.msg == "Velero has no Schedule: backups run only by hand (the newest, velero/nightly-20261120020000, completed 4h ago)"
	f.resource == {"kind": "Cluster"}
}

test_no_schedule_no_backup if {
	f := fx.only(rule.deny) with input as {"cluster": {"collectedAt": fx.collected, "backup": object.remove(object.union(fx.healthy, {"schedules": []}), ["lastSuccessful"])}}
	f.msg == "Velero has no Schedule: no backup has ever completed"
}

test_schedule if {
	count(rule.deny) == 0 with input as fx.cluster({})
}

test_not_installed if {
	count(rule.deny) == 0 with input as fx.cluster({"installed": false, "schedules": []})
}
