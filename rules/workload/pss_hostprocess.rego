# METADATA
# title: Windows HostProcess containers
# description: >-
#   A Windows HostProcess container runs as a process on the node, with the node's network
#   and file system: the Windows equivalent of a privileged container. Pod Security Standards
#   baseline control "HostProcess": windowsOptions.hostProcess must be unset or false on the
#   pod and every container.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - ref: https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/
# custom:
#   id: FA-WL-011
#   reads: [workloads]
#   severity: critical
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/hostprocess}
#     - {framework: CIS, id: "5.2.10", version: cis-1.12}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove windowsOptions.hostProcess; node agents that need it belong in a namespace
#     labelled pod-security.kubernetes.io/enforce=privileged.
package fleetaudit.workload.pss_hostprocess

import data.fleetaudit.lib.workload as wl

field := "securityContext.windowsOptions.hostProcess"

deny contains finding if {
	some w in wl.pss_items.baseline
	pod := [wl.pod_place(field, "") | w.pod.securityContext.windowsHostProcess == true]
	cs := [wl.container_place(c, field, "") | some c in w.pod.containers; c.securityContext.windowsHostProcess == true]
	places := array.concat(pod, cs)
	count(places) > 0
	finding := wl.pss_finding(w, places, "windowsOptions.hostProcess=true on")
}
