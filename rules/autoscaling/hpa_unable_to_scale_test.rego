package fleetaudit.autoscaling.hpa_unable_to_scale_test

import data.fleetaudit.autoscaling.hpa_unable_to_scale as rule

cond(type, status, at) := {"type": type, "status": status, "reason": "FailedGetResourceMetric", "message": "no metrics returned", "lastTransitionTime": at}

inp(conds) := {"cluster": {"collectedAt": "2026-12-03T12:00:00Z", "autoscaling": {"hpas": [{
	"namespace": "shop", "name": "api", "targetFound": true,
	"target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
	"conditions": conds,
}]}}}

test_inactive_for_two_days if {
	got := rule.deny with input as inp([cond("AbleToScale", "True", "2026-11-01T00:00:00Z"), cond("ScalingActive", "False", "2026-12-01T10:00:00Z")])
	count(got) == 1
	some f in got
	f.msg == "HPA shop/api cannot scale Deployment api: ScalingActive=False (FailedGetResourceMetric) for 2d2h: no metrics returned"
}

test_recent_failure_within_grace if {
	count(rule.deny) == 0 with input as inp([cond("ScalingActive", "False", "2026-12-03T11:30:00Z")])
	count(rule.deny) == 1 with input as inp([cond("ScalingActive", "False", "2026-12-03T11:30:00Z")])
		with data.fleetaudit.params as {"autoscaling": {"unable_grace": "10m"}}
}

test_able_to_scale_false_without_time if {
	got := rule.deny with input as inp([{"type": "AbleToScale", "status": "False", "reason": "FailedGetScale"}])
	some f in got
	contains(f.msg, "AbleToScale=False (FailedGetScale)")
}

test_healthy if {
	count(rule.deny) == 0 with input as inp([cond("AbleToScale", "True", "2026-11-01T00:00:00Z"), cond("ScalingActive", "True", "2026-11-01T00:00:00Z"), cond("ScalingLimited", "True", "2026-11-01T00:00:00Z")])
}

test_missing_target_left_to_fa_as_001 if {
	i := json.patch(inp([cond("AbleToScale", "False", "2026-11-01T00:00:00Z")]), [{"op": "replace", "path": "/cluster/autoscaling/hpas/0/targetFound", "value": false}])
	count(rule.deny) == 0 with input as i
}
