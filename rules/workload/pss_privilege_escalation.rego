# METADATA
# title: Privilege escalation allowed
# description: >-
#   Unless allowPrivilegeEscalation is false, a process in the container can gain more
#   privileges than its parent (setuid binaries, file capabilities). Pod Security Standards
#   restricted control "Privilege Escalation": every container, init and ephemeral container
#   must set securityContext.allowPrivilegeEscalation to false (unset is not enough).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
# custom:
#   id: FA-WL-013
#   reads: [workloads, version]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: restricted/privilege-escalation}
#     - {framework: CIS, id: "5.2.6", version: cis-1.12}
#     - {framework: CIS, id: "5.6.3", version: cis-1.12}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: Set securityContext.allowPrivilegeEscalation to false on every container.
package fleetaudit.workload.pss_privilege_escalation

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.pss_items.restricted
	wl.linux_only(w)
	places := [wl.container_place(c, "securityContext.allowPrivilegeEscalation", shown(v)) |
		some c in w.pod.containers
		v := object.get(c, ["securityContext", "allowPrivilegeEscalation"], null)
		v != false
	]
	count(places) > 0
	finding := wl.pss_finding(w, places, "allowPrivilegeEscalation is not false:")
}

shown(null) := "unset"

shown(v) := sprintf("%v", [v]) if v != null
