# METADATA
# title: Capabilities added beyond the baseline set
# description: >-
#   Adding a capability outside the runtime's default set (SYS_ADMIN, NET_ADMIN, NET_RAW,
#   SYS_PTRACE, …) gives the container powers that lead out of it. Pod Security Standards
#   baseline control "Capabilities": securityContext.capabilities.add may only name
#   AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP,
#   SETGID, SETPCAP, SETUID and SYS_CHROOT, as written (no CAP_ prefix, upper case).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: FA-WL-003
#   reads: [workloads]
#   severity: high
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/capabilities}
#     - {framework: CIS, id: "5.2.9", version: cis-1.12}
#     - {framework: NSA, id: pod-hardening}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove the capabilities outside the baseline set from securityContext.capabilities.add;
#     better, drop ALL and add back only NET_BIND_SERVICE if the container binds a low port.
package fleetaudit.workload.pss_capabilities

import data.fleetaudit.lib.workload as wl

allowed := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains finding if {
	some w in wl.pss_items.baseline
	added := [[c, bad] |
		some c in w.pod.containers
		c.securityContext.capabilitiesAdd
		bad := [cap | some cap in c.securityContext.capabilitiesAdd; not cap in allowed]
		count(bad) > 0
	]
	count(added) > 0
	places := [wl.container_place(c, "securityContext.capabilities.add", concat(", ", bad)) | some [c, bad] in added]
	f := wl.pss_finding(w, places, "capabilities added beyond the baseline set:")
	net_raw := [wl.cis("5.2.8") | some [_, bad] in added; "NET_RAW" in bad]
	finding := wl.with_controls(f, array.slice(net_raw, 0, 1))
}
