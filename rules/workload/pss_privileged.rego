# METADATA
# title: Privileged containers
# description: >-
#   A privileged container has every capability and every host device, without seccomp,
#   AppArmor or SELinux confinement: it is root on the node. Pod Security Standards baseline
#   control "Privileged Containers" (containers, init and ephemeral containers).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: FA-WL-002
#   reads: [workloads]
#   severity: critical
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/privileged}
#     - {framework: CIS, id: "5.2.2", version: cis-1.12}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove securityContext.privileged (or set it false) and add only the capabilities the
#     container needs; node agents that must be privileged belong in a namespace labelled
#     pod-security.kubernetes.io/enforce=privileged.
package fleetaudit.workload.pss_privileged

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.pss_items.baseline
	places := [wl.container_place(c, "securityContext.privileged", "") |
		some c in w.pod.containers
		c.securityContext.privileged == true
	]
	count(places) > 0
	finding := wl.pss_finding(w, places, "securityContext.privileged=true on")
}
