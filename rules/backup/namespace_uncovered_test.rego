package fleetaudit.backup.namespace_uncovered_test

import data.fleetaudit.backup.namespace_uncovered as rule
import data.fleetaudit.lib.backup_fixture as fx

nss := [
	{"name": "shop", "workloads": 2, "schedules": ["velero/nightly"]},
	{"name": "billing", "workloads": 1, "schedules": []},
	{"name": "velero", "workloads": 1, "schedules": []},
	{"name": "kube-system", "workloads": 4, "schedules": []},
]

test_uncovered_namespace if {
	f := fx.only(rule.deny) with input as fx.cluster({"namespaces": nss})
	f.msg == "namespace billing runs 1 workloads and no active Schedule backs it up"
	f.resource == {"apiVersion": "v1", "kind": "Namespace", "name": "billing"}
}

test_only_paused_schedule if {
	got := rule.deny with input as fx.cluster({"namespaces": nss, "schedules": [object.union(fx.nightly, {"paused": true})]})
	msgs := {f.msg | some f in got}
	msgs == {
		"namespace billing runs 1 workloads and no active Schedule backs it up",
		"namespace shop runs 2 workloads and no active Schedule backs it up (only paused ones include it: velero/nightly)",
	}
}

test_exemptions_are_a_parameter if {
	count(rule.deny) == 0 with input as fx.cluster({"namespaces": nss})
		with data.fleetaudit.params.backup.exempt_namespaces as ["billing", "velero", "kube-*"]
}

test_no_schedule_at_all_is_fa_bak_003s if {
	count(rule.deny) == 0 with input as fx.cluster({"namespaces": nss, "schedules": []})
}

test_healthy if {
	count(rule.deny) == 0 with input as fx.cluster({})
}
