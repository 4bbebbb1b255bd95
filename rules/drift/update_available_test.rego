package fleetaudit.drift.update_available_test

import data.fleetaudit.drift.update_available as rule

v(minor) := {"gitVersion": sprintf("v1.%d.2", [minor]), "major": 1, "minor": minor, "patch": 2}

ver(version, minor) := {"name": "platform", "version": version, "id": sprintf("platform@%s", [version]), "kubernetesVersion": sprintf("v1.%d.2", [minor]), "target": v(minor), "layers": []}

bound(pinned) := {"name": "platform", "pinned": pinned, "versions": [ver("3.1.0", 33), ver("3.2.0", 34)]}

test_newer_version_available if {
	some f in rule.warn with input as {"cluster": {"version": v(33)}, "bound": bound("")}
	f.msg == "profile platform@3.2.0 is available (Kubernetes v1.34.2); the cluster is held to platform@3.1.0"
}

test_at_the_newest if {
	count(rule.warn) == 0 with input as {"cluster": {"version": v(34)}, "bound": bound("")}
}

test_pinned_to_an_older_version if {
	count(rule.warn) == 1 with input as {"cluster": {"version": v(34)}, "bound": bound("3.1.0")}
}
