package fleetaudit.backup.backups_failed_test

import data.fleetaudit.backup.backups_failed as rule
import data.fleetaudit.lib.backup_fixture as fx

run(name, schedule, phase, completed) := {"namespace": "velero", "name": name, "schedule": schedule, "phase": phase, "completedAt": completed}

test_scheduled_failures_grouped if {
	failed := [
		object.union(run("nightly-3", "nightly", "Failed", "2026-11-19T06:00:00Z"), {"failureReason": "rpc error: bucket not found"}),
		object.union(run("nightly-2", "nightly", "PartiallyFailed", "2026-11-18T06:00:00Z"), {"errors": 2}),
		run("nightly-0", "nightly", "Failed", "2026-11-01T06:00:00Z"),
	]
	f := fx.only(rule.deny) with input as fx.cluster({"failed": failed})
	f.msg == "Schedule velero/nightly: 2 failed or partially failed backups in the last 7d (newest nightly-3: Failed 1d ago: rpc error: bucket not found)"
	f.resource == {"apiVersion": "velero.io/v1", "kind": "Schedule", "namespace": "velero", "name": "nightly"}
	object.subset(f, {"failed": 2, "backup": "nightly-3", "phase": "Failed", "ageSeconds": 86400})
}

test_manual_failure_names_the_backup if {
	b := object.union(object.remove(run("pre-upgrade", "", "PartiallyFailed", ""), ["completedAt", "schedule"]), {"startedAt": "2026-11-20T03:00:00Z", "errors": 1})
	f := fx.only(rule.deny) with input as fx.cluster({"failed": [b]})
	f.msg == "Backup velero/pre-upgrade: PartiallyFailed 3h ago, 1 errors"
	f.resource == {"apiVersion": "velero.io/v1", "kind": "Backup", "namespace": "velero", "name": "pre-upgrade"}
}

test_older_than_window if {
	count(rule.deny) == 0 with input as fx.cluster({"failed": [run("nightly-0", "nightly", "Failed", "2026-11-01T06:00:00Z")]})
}

test_window_is_a_parameter if {
	count(rule.deny) == 1 with input as fx.cluster({"failed": [run("nightly-0", "nightly", "Failed", "2026-11-01T06:00:00Z")]})
		with data.fleetaudit.params.backup.failed_days as 30
}

test_healthy if {
	count(rule.deny) == 0 with input as fx.cluster({})
}
