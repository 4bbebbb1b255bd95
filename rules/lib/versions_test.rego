package fleetaudit.lib.versions_test

import data.fleetaudit.lib.versions

v(minor, patch) := {"gitVersion": sprintf("v1.%d.%d", [minor, patch]), "major": 1, "minor": minor, "patch": patch}

test_target_is_current_without_profile if {
	versions.target == v(33, 1) with input as {"cluster": {"version": v(33, 1)}}
	versions.next.minor == 34 with input as {"cluster": {"version": v(33, 1)}}
}

test_target_is_profile_target if {
	inp := {"cluster": {"version": v(33, 1)}, "profile": {"target": v(35, 0)}}
	versions.target == v(35, 0) with input as inp
	versions.next == v(35, 0) with input as inp
}

test_ranges if {
	versions.satisfies(v(34, 2), [{"op": ">=", "version": "1.28.0"}, {"op": "<", "version": "1.35.0"}])
	not versions.satisfies(v(35, 0), [{"op": ">=", "version": "1.28.0"}, {"op": "<", "version": "1.35.0"}])
	versions.minor_of("1.25") == 25
}
