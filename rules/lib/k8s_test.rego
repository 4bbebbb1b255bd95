package fleetaudit.lib.k8s_test

import data.fleetaudit.lib.k8s

test_money_whole_and_fractional if {
	k8s.money(1200) == "1200.00"
	k8s.money(1200.5) == "1200.50"
	k8s.money(1.999) == "2.00"
	k8s.money(0.07) == "0.07"
}

test_rate if {
	k8s.rate(1) == "1.0000"
	k8s.rate(0.70004) == "0.7000"
	k8s.rate(0.12345) == "0.1235"
}

test_key_resource_cluster_scoped_and_namespaced if {
	k8s.key_resource("User/alice") == {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "User", "name": "alice"}
	k8s.key_resource("ClusterRole/system:aggregate-to-edit") == {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "name": "system:aggregate-to-edit"}
	k8s.key_resource("ServiceAccount/ci/deployer") == {"apiVersion": "v1", "kind": "ServiceAccount", "namespace": "ci", "name": "deployer"}
	k8s.key_resource("RoleBinding/shop/a/b") == {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "namespace": "shop", "name": "a/b"}
}

test_workload_resource_api_versions if {
	k8s.workload_resource({"kind": "StatefulSet", "namespace": "db", "name": "pg"}).apiVersion == "apps/v1"
	k8s.workload_resource({"kind": "CronJob", "namespace": "ops", "name": "backup"}).apiVersion == "batch/v1"
	k8s.node_resource({"name": "n1"}) == {"apiVersion": "v1", "kind": "Node", "name": "n1"}
}
