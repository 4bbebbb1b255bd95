# METADATA
# title: Containers run as UID 0
# description: >-
#   runAsUser 0 runs the container's processes as root, whatever the image says. Pod Security
#   Standards restricted control "Running as Non-root user": runAsUser must not be 0 on the
#   pod or any container (unset is allowed).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
# custom:
#   id: FA-WL-015
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: restricted/run-as-non-root-user}
#     - {framework: CIS, id: "5.2.7", version: cis-1.12}
#     - {framework: NSA, id: pod-non-root}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: Set securityContext.runAsUser to a non-zero UID (or remove it and use an image with a non-root USER).
package fleetaudit.workload.pss_run_as_non_root_user

import data.fleetaudit.lib.workload as wl

field := "securityContext.runAsUser"

deny contains finding if {
	some w in wl.pss_items.restricted
	pod := [wl.pod_place(field, "") | w.pod.securityContext.runAsUser == 0]
	cs := [wl.container_place(c, field, "") | some c in w.pod.containers; c.securityContext.runAsUser == 0]
	places := array.concat(pod, cs)
	count(places) > 0
	finding := wl.pss_finding(w, places, "runAsUser=0 on")
}
