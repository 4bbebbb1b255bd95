# METADATA
# description: >-
#   The profile a cluster is held to (input.bound: the versions of its bound profile, oldest
#   first, and the pinned version if any) and which of its versions applies now.
package fleetaudit.lib.bound

# current is the version the cluster is held to: the pinned one, else the newest catalog
# version for the Kubernetes minor the cluster runs.
current := v if {
	input.bound.pinned != ""
	some v in input.bound.versions
	v.version == input.bound.pinned
}

current := v if {
	input.bound.pinned == ""
	fits := [x | some x in input.bound.versions; x.target.minor == input.cluster.version.minor]
	count(fits) > 0
	v := fits[count(fits) - 1]
}

# newest is the catalog's newest version of the profile.
newest := input.bound.versions[count(input.bound.versions) - 1]
