# METADATA
# description: >-
#   Kubernetes version helpers. current is the API server's version; target is the version the
#   cluster is judged for: the profile's when a profile is given (the gate), else the current
#   one; next is the upgrade an audit prepares for: the profile's target, else one minor up.
package fleetaudit.lib.versions

current := input.cluster.version

profiled if input.profile.target

target := input.profile.target if profiled

target := current if not profiled

next := input.profile.target if profiled

next := {"gitVersion": sprintf("v%d.%d.0", [current.major, current.minor + 1]), "major": current.major, "minor": current.minor + 1, "patch": 0} if not profiled

# minor_of("1.25") is 25.
minor_of(release) := to_number(split(release, ".")[1])

# semver_string of a version object, for semver.compare: "1.34.2".
semver_string(v) := sprintf("%d.%d.%d", [v.major, v.minor, v.patch])

# satisfies(v, constraints): v meets every {op, version} constraint.
satisfies(v, constraints) if {
	every c in constraints {
		holds(semver.compare(semver_string(v), c.version), c.op)
	}
}

holds(d, ">=") if d >= 0

holds(d, ">") if d > 0

holds(d, "<=") if d <= 0

holds(d, "<") if d < 0

holds(d, "=") if d == 0
