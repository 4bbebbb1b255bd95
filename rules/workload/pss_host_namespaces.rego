# METADATA
# title: Pods share the node's namespaces
# description: >-
#   hostNetwork, hostPID or hostIPC put the pod in the node's network, process or IPC
#   namespace: it sees the node's traffic and processes and reaches services bound to
#   localhost. Pod Security Standards baseline control "Host Namespaces", judged where the
#   namespace's level (its pod-security labels, else workload.pss.default_level) is baseline
#   or restricted.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: FA-WL-001
#   reads: [workloads]
#   severity: high
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/host-namespaces}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove hostNetwork, hostPID and hostIPC from the pod spec. Node agents that need them
#     belong in a namespace labelled pod-security.kubernetes.io/enforce=privileged.
package fleetaudit.workload.pss_host_namespaces

import data.fleetaudit.lib.workload as wl

# Each host namespace field with its CIS 1.12 control.
fields := [["hostNetwork", "5.2.5"], ["hostPID", "5.2.3"], ["hostIPC", "5.2.4"]]

deny contains finding if {
	some w in wl.pss_items.baseline
	shared := [f | some f in fields; w.pod[f[0]] == true]
	count(shared) > 0
	places := [wl.field_place(f[0], sprintf("%s=true", [f[0]])) | some f in shared]
	f := wl.pss_finding(w, places, "shares the node's namespaces:")
	finding := wl.with_controls(f, [wl.cis(s[1]) | some s in shared])
}
