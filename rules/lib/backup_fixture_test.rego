# METADATA
# description: >-
#   A healthy Velero setup for the backup rules' tests, collected at 2026-11-20T06:00:00Z:
#   one Available location, a nightly schedule of every namespace whose last backup
#   completed 4h before collection, a restore drill 50 days old, a namespace it covers.
package fleetaudit.lib.backup_fixture

collected := "2026-11-20T06:00:00Z"

nightly_run := {"namespace": "velero", "name": "nightly-20261120020000", "schedule": "nightly", "phase": "Completed", "startedAt": "2026-11-20T02:00:00Z", "completedAt": "2026-11-20T02:00:00Z"}

nightly := {
	"namespace": "velero", "name": "nightly", "cron": "0 2 * * *", "intervalSeconds": 86400,
	"createdAt": "2026-01-05T00:00:00Z", "paused": false, "phase": "Enabled",
	"includedNamespaces": ["*"], "excludedNamespaces": [],
	"lastBackup": "2026-11-20T02:00:00Z", "lastSuccessful": nightly_run, "latest": nightly_run,
}

healthy := {
	"installed": true,
	"locations": [{"namespace": "velero", "name": "default", "provider": "aws", "bucket": "backups", "default": true, "phase": "Available"}],
	"schedules": [nightly],
	"backups": 30,
	"lastSuccessful": nightly_run,
	"failed": [],
	"restores": 1,
	"lastRestore": {"namespace": "velero", "name": "drill", "backup": "nightly-20261001020000", "phase": "Completed", "completedAt": "2026-10-01T06:00:00Z"},
	"namespaces": [{"name": "shop", "workloads": 2, "schedules": ["velero/nightly"], "lastBackup": nightly_run}],
}

# cluster is the input of a cluster whose backup facts are healthy changed by patch.
cluster(patch) := {"cluster": {"name": "c1", "collectedAt": collected, "backup": object.union(healthy, patch)}}

# only is the one finding of a set (undefined unless there is exactly one).
only(set) := f if {
	count(set) == 1
	some f in set
}
