# METADATA
# title: Custom SELinux options
# description: >-
#   A custom SELinux type (spc_t, unconfined_t, …), user or role lifts the confinement
#   SELinux puts on containers. Pod Security Standards baseline control "SELinux": the pod's
#   and every container's seLinuxOptions.type may only be unset, container_t,
#   container_init_t, container_kvm_t or (from Kubernetes 1.31) container_engine_t, and user
#   and role must be unset. The cluster's Kubernetes version picks the list; without it the
#   newest applies.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: FA-WL-007
#   reads: [workloads, version]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/selinux}
#     - {framework: NSA, id: pod-hardening}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove seLinuxOptions.user and .role, and set .type to container_t (or leave it unset);
#     the level (MCS categories) may stay.
package fleetaudit.workload.pss_selinux

import data.fleetaudit.lib.workload as wl

field := "securityContext.seLinuxOptions"

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"} if {
	object.get(input.cluster, ["version", "minor"], 999) >= 31
}

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t"} if {
	object.get(input.cluster, ["version", "minor"], 999) < 31
}

deny contains finding if {
	some w in wl.pss_items.baseline
	pod := [wl.pod_place(field, concat(", ", bad)) | bad := forbidden(w.pod.securityContext.seLinux); count(bad) > 0]
	cs := [wl.container_place(c, field, concat(", ", bad)) |
		some c in w.pod.containers
		bad := forbidden(c.securityContext.seLinux)
		count(bad) > 0
	]
	places := array.concat(pod, cs)
	count(places) > 0
	finding := wl.pss_finding(w, places, "custom SELinux options:")
}

# forbidden lists what an seLinuxOptions sets that the baseline level does not allow.
forbidden(opts) := array.concat(
	[sprintf("type=%s", [t]) | t := object.get(opts, "type", ""); not t in allowed_types],
	[sprintf("%s=%s", [k, v]) | some k in ["user", "role"]; v := object.get(opts, k, ""); v != ""],
)
