package fleetaudit.backup.gate_max_age_test

import data.fleetaudit.backup.gate_max_age as rule
import data.fleetaudit.lib.backup_fixture as fx

requiring(inp, max_age) := object.union(inp, {"profile": {"name": "p", "requirements": {"backup": {"maxAge": max_age}}}})

test_fresh_backup_allows if {
	count(rule.deny) == 0 with input as requiring(fx.cluster({}), "24h")
}

test_old_backup_denies if {
	f := fx.only(rule.deny) with input as requiring(fx.cluster({}), "3h")
	f.msg == "the newest Completed backup, velero/nightly-20261120020000, is 4h old: the profile requires one younger than 3h"
	f.resource == {"apiVersion": "velero.io/v1", "kind": "Backup", "namespace": "velero", "name": "nightly-20261120020000"}
	object.subset(f, {"ageSeconds": 14400, "maxAgeSeconds": 10800})
}

test_namespace_without_fresh_backup_denies if {
	old := object.union(fx.nightly_run, {"name": "shop-1", "completedAt": "2026-10-30T06:00:00Z"})
	nss := [{"name": "shop", "workloads": 2, "schedules": [], "lastBackup": old}, {"name": "billing", "workloads": 1, "schedules": []}, {"name": "velero", "workloads": 1, "schedules": []}]
	got := rule.deny with input as requiring(fx.cluster({"namespaces": nss}), "24h")
	{f.msg | some f in got} == {
		"namespace shop runs 2 workloads and its newest backup, velero/shop-1, is 21d old: the profile requires a backup younger than 24h",
		"namespace billing runs 1 workloads and no Completed backup takes it in: the profile requires a backup younger than 24h",
	}
}

test_not_installed_fails_closed if {
	f := fx.only(rule.deny) with input as requiring({"cluster": {"collectedAt": fx.collected, "backup": {"installed": false}}}, "24h")
	f.msg == "Velero is not installed, so there is no backup to restore if the upgrade goes wrong: the profile requires one younger than 24h"
}

test_no_backup_fails_closed if {
	f := fx.only(rule.deny) with input as requiring({"cluster": {"collectedAt": fx.collected, "backup": object.remove(fx.healthy, ["lastSuccessful"])}}, "24h")
	f.msg == "no Velero backup has completed: the profile requires one younger than 24h"
}

test_missing_facts_fail_closed if {
	f := fx.only(rule.deny) with input as requiring({"cluster": {"collectedAt": fx.collected}}, "24h")
	f.msg == "no backup facts (the backup collector did not run or failed): the profile requires a backup younger than 24h (fail closed)"
}

test_no_requirement_no_finding if {
	count(rule.deny) == 0 with input as {"cluster": {"collectedAt": fx.collected, "backup": {"installed": false}}, "profile": {"name": "p", "requirements": {}}}
	count(rule.deny) == 0 with input as {"cluster": {"collectedAt": fx.collected}}
}
