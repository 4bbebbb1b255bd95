package fleetaudit.autoscaling.vpa_hpa_conflict_test

import data.fleetaudit.autoscaling.vpa_hpa_conflict as rule

target := {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}

h := {"namespace": "shop", "name": "web", "target": target, "metrics": [{"type": "Resource", "resource": "cpu", "targetType": "Utilization"}]}

vpa(mode, resources) := {"namespace": "shop", "name": "web-vpa", "target": target, "updateMode": mode, "controlledResources": resources}

inp(v) := {"cluster": {"autoscaling": {"hpas": [h], "vpa": {"installed": true, "items": [v]}}}}

test_conflict if {
	got := rule.deny with input as inp(vpa("Auto", ["cpu", "memory"]))
	some f in got
	f.msg == "VPA shop/web-vpa (updateMode Auto) and HPA shop/web both scale Deployment web on cpu"
}

test_vpa_off if {
	count(rule.deny) == 0 with input as inp(vpa("Off", ["cpu", "memory"]))
}

test_other_resource if {
	count(rule.deny) == 0 with input as inp(vpa("Recreate", ["memory"]))
}

test_other_target if {
	v := object.union(vpa("Auto", ["cpu"]), {"target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}})
	count(rule.deny) == 0 with input as inp(v)
}
