package fleetaudit.backup.schedule_paused_test

import data.fleetaudit.backup.schedule_paused as rule
import data.fleetaudit.lib.backup_fixture as fx

test_paused if {
	f := fx.only(rule.deny) with input as fx.cluster({"schedules": [object.union(fx.nightly, {"paused": true})]})
	f.msg == "Schedule velero/nightly is paused: it creates no backups (its last successful backup completed 4h ago)"
	f.resource == {"apiVersion": "velero.io/v1", "kind": "Schedule", "namespace": "velero", "name": "nightly"}
	object.subset(f, {"ageSeconds": 14400, "backup": "nightly-20261120020000"})
}

test_paused_never_ran if {
	f := fx.only(rule.deny) with input as fx.cluster({"schedules": [object.remove(object.union(fx.nightly, {"paused": true}), ["lastSuccessful"])]})
	f.msg == "Schedule velero/nightly is paused: it creates no backups (it has no completed backup)"
}

test_running if {
	count(rule.deny) == 0 with input as fx.cluster({})
}
