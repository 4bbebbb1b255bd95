package fleetaudit.backup.schedule_stale_test

import data.fleetaudit.backup.schedule_stale as rule
import data.fleetaudit.lib.backup_fixture as fx

old_run := object.union(fx.nightly_run, {"name": "nightly-20261030020000", "completedAt": "2026-10-30T06:00:00Z"})

failed_run := {"namespace": "velero", "name": "nightly-20261120020000", "schedule": "nightly", "phase": "Failed", "failureReason": "backup storage location is unavailable"}

test_three_weeks_old if {
	s := object.union(fx.nightly, {"lastSuccessful": old_run, "latest": failed_run})
	f := fx.only(rule.deny) with input as fx.cluster({"schedules": [s]})
	f.msg == "Schedule velero/nightly: its last successful backup nightly-20261030020000 completed 21d ago, more than 2 × its interval of 1d (\"0 2 * * *\"); its latest backup nightly-20261120020000 is Failed: backup storage location is unavailable"
	object.subset(f, {"backup": "nightly-20261030020000", "ageSeconds": 1814400, "intervalSeconds": 86400, "limitSeconds": 172800})
	f.resource == {"apiVersion": "velero.io/v1", "kind": "Schedule", "namespace": "velero", "name": "nightly"}
}

test_within_factor if {
	two_days := object.union(fx.nightly_run, {"completedAt": "2026-11-18T07:00:00Z"})
	count(rule.deny) == 0 with input as fx.cluster({"schedules": [object.union(fx.nightly, {"lastSuccessful": two_days})]})
}

test_factor_is_a_parameter if {
	two_days := object.union(fx.nightly_run, {"completedAt": "2026-11-18T07:00:00Z"})
	f := fx.only(rule.deny) with input as fx.cluster({"schedules": [object.union(fx.nightly, {"lastSuccessful": two_days})]})
		with data.fleetaudit.params.backup.stale_factor as 1.5
	f.limitSeconds == 129600
	contains(f.msg, "more than 1.5 × its interval of 1d")
}

test_never_completed if {
	s := object.remove(object.union(fx.nightly, {"latest": failed_run}), ["lastSuccessful"])
	f := fx.only(rule.deny) with input as fx.cluster({"schedules": [s]})
	f.msg == "Schedule velero/nightly has no Completed backup, 319d 6h after it was created (interval 1d, \"0 2 * * *\"); its latest backup nightly-20261120020000 is Failed: backup storage location is unavailable"
}

test_new_schedule_not_yet_due if {
	s := object.remove(object.union(fx.nightly, {"createdAt": "2026-11-19T12:00:00Z"}), ["lastSuccessful", "latest"])
	count(rule.deny) == 0 with input as fx.cluster({"schedules": [s]})
}

test_invalid_cron if {
	s := object.remove(object.union(fx.nightly, {"cron": "0 2 * *", "intervalSeconds": 0, "cronError": "invalid cron expression \"0 2 * *\": expected exactly 5 fields, found 4: [0 2 * *]"}), ["lastSuccessful"])
	f := fx.only(rule.deny) with input as fx.cluster({"schedules": [s]})
	f.msg == "Schedule velero/nightly never runs: invalid cron expression \"0 2 * *\": expected exactly 5 fields, found 4: [0 2 * *]"
}

test_paused_is_not_judged_here if {
	s := object.union(fx.nightly, {"paused": true, "lastSuccessful": old_run})
	count(rule.deny) == 0 with input as fx.cluster({"schedules": [s]})
}

test_healthy if {
	count(rule.deny) == 0 with input as fx.cluster({})
}
