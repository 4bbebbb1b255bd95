# METADATA
# title: Seccomp profile not set
# description: >-
#   Kubernetes runs containers without seccomp (Unconfined) unless a profile is set or the
#   kubelet defaults to RuntimeDefault. Pod Security Standards restricted control "Seccomp":
#   seccompProfile.type must be RuntimeDefault or Localhost on the pod, or on every
#   container (a container's value overrides the pod's).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - ref: https://kubernetes.io/docs/tutorials/security/seccomp/
# custom:
#   id: FA-WL-016
#   reads: [workloads, version]
#   severity: low
#   category: workload
#   controls:
#     - {framework: PSS, id: restricted/seccomp}
#     - {framework: CIS, id: "5.6.2", version: cis-1.12}
#     - {framework: CIS, id: "5.6.3", version: cis-1.12}
#     - {framework: NSA, id: pod-hardening}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: Set securityContext.seccompProfile.type to RuntimeDefault on the pod.
package fleetaudit.workload.pss_seccomp_restricted

import data.fleetaudit.lib.workload as wl

field := "securityContext.seccompProfile.type"

valid := {"RuntimeDefault", "Localhost"}

deny contains finding if {
	some w in wl.pss_items.restricted
	wl.linux_only(w)
	pod_value := object.get(w.pod, ["securityContext", "seccompProfile"], "")
	pod := [wl.pod_place(field, pod_value) | pod_value != ""; not pod_value in valid]
	cs := [wl.container_place(c, field, detail) |
		some c in w.pod.containers
		detail := container_detail(object.get(c, ["securityContext", "seccompProfile"], ""), pod_value)
	]
	places := array.concat(pod, cs)
	count(places) > 0
	finding := wl.pss_finding(w, places, "seccomp profile not RuntimeDefault or Localhost:")
}

# container_detail is what is wrong with a container's profile given the pod's; undefined
# when nothing is.
container_detail(p, _) := p if {
	p != ""
	not p in valid
}

container_detail("", "") := "unset"

container_detail("", pod) := sprintf("unset, inherits %s", [pod]) if {
	pod != ""
	not pod in valid
}
