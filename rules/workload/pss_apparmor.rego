# METADATA
# title: AppArmor profile overridden or disabled
# description: >-
#   The runtime's default AppArmor profile confines what a container may reach on the node;
#   an Unconfined profile switches that off. Pod Security Standards baseline control
#   "AppArmor": the pod's and every container's appArmorProfile.type may only be
#   RuntimeDefault or Localhost, or unset (the older annotation: runtime/default,
#   localhost/<name>).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - ref: https://kubernetes.io/docs/tutorials/security/apparmor/
# custom:
#   id: FA-WL-006
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/apparmor}
#     - {framework: NSA, id: pod-hardening}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove the Unconfined AppArmor profile (securityContext.appArmorProfile, or the
#     container.apparmor.security.beta.kubernetes.io annotation), or use RuntimeDefault or a
#     Localhost profile written for the workload.
package fleetaudit.workload.pss_apparmor

import data.fleetaudit.lib.workload as wl

field := "securityContext.appArmorProfile.type"

deny contains finding if {
	some w in wl.pss_items.baseline
	pod := [wl.pod_place(field, p) | p := w.pod.securityContext.appArmorProfile; not allowed(p)]
	cs := [wl.container_place(c, field, p) |
		some c in w.pod.containers
		p := c.securityContext.appArmorProfile
		not allowed(p)
	]
	places := array.concat(pod, cs)
	count(places) > 0
	finding := wl.pss_finding(w, places, "AppArmor profile other than RuntimeDefault or Localhost:")
}

# allowed: unset, RuntimeDefault or Localhost, in the field's or the annotation's spelling.
allowed(p) if p in {"", "RuntimeDefault", "Localhost", "runtime/default"}

allowed(p) if startswith(p, "localhost/")
