# METADATA
# title: Seccomp disabled
# description: >-
#   A seccomp profile of type Unconfined lets the container make every system call,
#   including those that have led out of containers. Pod Security Standards baseline control
#   "Seccomp": the pod's and every container's seccompProfile.type may only be unset,
#   RuntimeDefault or Localhost. (A pod-level Unconfined is a violation even when every
#   container sets its own profile.)
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - ref: https://kubernetes.io/docs/tutorials/security/seccomp/
# custom:
#   id: FA-WL-009
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/seccomp}
#     - {framework: CIS, id: "5.6.2", version: cis-1.12}
#     - {framework: NSA, id: pod-hardening}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Set securityContext.seccompProfile.type to RuntimeDefault (or a Localhost profile) on
#     the pod, and remove Unconfined from the containers.
package fleetaudit.workload.pss_seccomp

import data.fleetaudit.lib.workload as wl

field := "securityContext.seccompProfile.type"

deny contains finding if {
	some w in wl.pss_items.baseline
	pod := [wl.pod_place(field, p) | p := w.pod.securityContext.seccompProfile; not p in wl.seccomp_allowed]
	cs := [wl.container_place(c, field, p) |
		some c in w.pod.containers
		p := c.securityContext.seccompProfile
		not p in wl.seccomp_allowed
	]
	places := array.concat(pod, cs)
	count(places) > 0
	finding := wl.pss_finding(w, places, "seccomp profile other than RuntimeDefault or Localhost:")
}
