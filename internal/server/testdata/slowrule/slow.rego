# METADATA
# title: Slow on purpose (tests)
# description: >-
#   Takes seconds to evaluate when asked about a move to v1.99.0, so that tests can fill the
#   gate's evaluation slots and cancel an evaluation in the middle.
# custom:
#   id: TEST-SLOW-001
#   severity: info
#   category: upgrade
package fleetaudit.test.slow

deny contains finding if {
	input.profile.kubernetesVersion == "v1.99.0"
	some i in numbers.range(1, 3000)
	some j in numbers.range(1, 3000)
	i * j == -1
	finding := {"msg": "never", "resource": {"kind": "Cluster", "name": "x"}}
}
