package fleetaudit.workload.probes_missing_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.probes_missing as rule

no_probes := fx.patch_container(fx.compliant, "app", {"livenessProbe": false, "readinessProbe": false})

test_missing_probes_on_regular_containers_only if {
	w := fx.pod({"containers": [
		object.union(fx.container("app"), {"readinessProbe": false}),
		object.union(fx.container("sidecar"), {"livenessProbe": false, "readinessProbe": false}),
		fx.init_container("setup"),
		fx.ephemeral_container("debug"),
	]})
	f := fx.only(rule.warn) with input as fx.inp([w])
	f.msg == `Deployment shop/web: containers without a liveness or readiness probe: container "app" [no readiness probe], container "sidecar" [no liveness or readiness probe]`
	f.resource.fieldPath == "spec.template.spec"
}

test_one_container_points_at_it if {
	f := fx.only(rule.warn) with input as fx.inp([no_probes])
	f.resource.fieldPath == "spec.template.spec.containers[name=app]"
	f.container == "app"
}

test_jobs_and_their_pods_exempt if {
	count(rule.warn) == 0 with input as fx.inp([object.union(no_probes, {"kind": "Job", "apiVersion": "batch/v1"})])
	count(rule.warn) == 0 with input as fx.inp([object.union(no_probes, {"kind": "CronJob", "apiVersion": "batch/v1"})])
	count(rule.warn) == 0 with input as fx.inp([object.union(no_probes, {"kind": "Pod", "apiVersion": "v1", "owner": "Job/migrate"})])
	count(rule.warn) == 1 with input as fx.inp([object.union(no_probes, {"kind": "Pod", "apiVersion": "v1"})])
	count(rule.warn) == 1 with input as fx.inp([object.union(no_probes, {"kind": "DaemonSet"})])
}

test_probes_present if {
	count(rule.warn) == 0 with input as fx.inp([fx.compliant])
}
