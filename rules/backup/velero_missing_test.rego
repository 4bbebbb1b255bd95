package fleetaudit.backup.velero_missing_test

import data.fleetaudit.backup.velero_missing as rule
import data.fleetaudit.lib.backup_fixture as fx

test_not_installed_is_one_finding if {
	f := fx.only(rule.deny) with input as {"cluster": {"collectedAt": fx.collected, "backup": {"installed": false, "locations": [], "schedules": [], "backups": 0, "failed": [], "restores": 0, "namespaces": [{"name": "shop", "workloads": 3, "schedules": []}]}}}
	f.resource == {"kind": "Cluster"}
	startswith(f.msg, "Velero is not installed")
}

test_installed if {
	count(rule.deny) == 0 with input as fx.cluster({})
}

test_no_facts if {
	count(rule.deny) == 0 with input as {"cluster": {"collectedAt": fx.collected}}
}
