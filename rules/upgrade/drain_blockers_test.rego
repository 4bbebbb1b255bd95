package fleetaudit.upgrade.drain_blockers_test

import data.fleetaudit.upgrade.drain_blockers as rule

pdb(allowed, expected) := {"namespace": "web", "name": "p", "disruptionsAllowed": allowed, "currentHealthy": 2, "desiredHealthy": 2, "expectedPods": expected}

test_blocking_pdb_denied if {
	got := rule.deny with input as {"cluster": {"upgrade": {"pdbs": [pdb(0, 2)], "workloads": []}}}
	some f in got
	f.msg == "PodDisruptionBudget web/p allows 0 disruptions (2 of 2 pods healthy, 2 required): drains will hang"
}

test_lookalike_pdb_allowing_one_or_matching_nothing if {
	count(rule.deny) == 0 with input as {"cluster": {"upgrade": {"pdbs": [pdb(1, 3), pdb(0, 0)], "workloads": []}}}
}

test_single_replica_warned if {
	ws := [{"namespace": "web", "kind": "Deployment", "name": "api", "replicas": 1}, {"namespace": "web", "kind": "Deployment", "name": "ha", "replicas": 3}, {"namespace": "kube-system", "kind": "Deployment", "name": "dns", "replicas": 1}]
	got := rule.warn with input as {"cluster": {"upgrade": {"pdbs": [], "workloads": ws}}}
	count(got) == 1
	some f in got
	f.resource == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "web", "name": "api"}
}

test_pending_pods_warned if {
	got := rule.warn with input as {"cluster": {"upgrade": {"pdbs": [], "workloads": []}, "usage": {"pendingPods": 2}}}
	some f in got
	f.msg == "2 pods are pending: evicted pods may not find room during the upgrade"
	count(rule.warn) == 0 with input as {"cluster": {"upgrade": {"pdbs": [], "workloads": []}, "usage": {"pendingPods": 0}}}
}
