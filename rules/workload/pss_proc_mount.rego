# METADATA
# title: Unmasked /proc mount
# description: >-
#   procMount Unmasked turns off the masking of /proc paths that expose the node's kernel
#   to the container. Pod Security Standards baseline control "/proc Mount Type": every
#   container's securityContext.procMount must be unset or Default.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: FA-WL-008
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/proc-mount}
#     - {framework: NSA, id: pod-hardening}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: Remove securityContext.procMount or set it to Default.
package fleetaudit.workload.pss_proc_mount

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.pss_items.baseline
	places := [wl.container_place(c, "securityContext.procMount", m) |
		some c in w.pod.containers
		m := c.securityContext.procMount
		not m in {"", "Default"}
	]
	count(places) > 0
	finding := wl.pss_finding(w, places, "procMount other than Default:")
}
