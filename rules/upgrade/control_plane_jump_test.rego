package fleetaudit.upgrade.control_plane_jump_test

import data.fleetaudit.upgrade.control_plane_jump as rule

v(minor) := {"gitVersion": sprintf("v1.%d.0", [minor]), "major": 1, "minor": minor, "patch": 0}

test_two_minor_jump_denied if {
	got := rule.deny with input as {"cluster": {"version": v(32)}, "profile": {"target": v(34)}}
	some f in got
	f.msg == "upgrade from v1.32.0 to v1.34.0 skips 1 minor versions: the control plane moves one minor at a time"
}

test_one_minor_and_patch_upgrades_allowed if {
	count(rule.deny) == 0 with input as {"cluster": {"version": v(33)}, "profile": {"target": v(34)}}
	count(rule.deny) == 0 with input as {"cluster": {"version": v(34)}, "profile": {"target": v(34)}}
}

test_downgrade_denied if {
	count(rule.deny) == 1 with input as {"cluster": {"version": v(34)}, "profile": {"target": v(33)}}
}

test_ha_spread if {
	count(rule.deny) == 1 with input as {"cluster": {"version": v(34), "upgrade": {"apiServers": [{"id": "a", "version": v(34)}, {"id": "b", "version": v(32)}]}}}
	count(rule.deny) == 0 with input as {"cluster": {"version": v(34), "upgrade": {"apiServers": [{"id": "a", "version": v(34)}, {"id": "b", "version": v(33)}]}}}
}
