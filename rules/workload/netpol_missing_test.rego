package fleetaudit.workload.netpol_missing_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.netpol_missing as rule

named(kind, name) := object.union(fx.compliant, {"kind": kind, "name": name})

test_namespace_with_workloads_and_no_policy if {
	ws := [named("Deployment", "web"), named("StatefulSet", "db"), named("CronJob", "report"), named("Pod", "debug")]
	f := fx.only(rule.deny) with input as fx.cluster(ws, [fx.namespace("shop", {})], [])
	f.msg == "namespace shop runs 4 workloads (Deployment/web, StatefulSet/db, CronJob/report, …) and has no NetworkPolicy: its pods accept traffic from every pod"
	f.resource == {"apiVersion": "v1", "kind": "Namespace", "name": "shop"}
}

test_host_network_workloads_not_counted if {
	count(rule.deny) == 0 with input as fx.cluster([fx.pod({"hostNetwork": true})], [], [])
}

test_any_policy_is_enough if {
	count(rule.deny) == 0 with input as fx.cluster([fx.compliant], [], [{"namespace": "shop", "name": "allow-web", "selectsAll": false, "policyTypes": ["Ingress"], "ingressRules": 1, "egressRules": 0}])
}

test_exempt_namespace if {
	count(rule.deny) == 0 with input as fx.cluster([object.union(fx.compliant, {"namespace": "kube-node-lease"})], [], [])
}
