# METADATA
# title: Capabilities not dropped
# description: >-
#   Containers start with the runtime's default capabilities (NET_RAW among them, which
#   allows spoofed packets) unless they drop them. Pod Security Standards restricted control
#   "Capabilities": every container must drop ALL and may add back only NET_BIND_SERVICE.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
# custom:
#   id: FA-WL-017
#   reads: [workloads, version]
#   severity: low
#   category: workload
#   controls:
#     - {framework: PSS, id: restricted/capabilities}
#     - {framework: CIS, id: "5.2.9", version: cis-1.12}
#     - {framework: CIS, id: "5.6.3", version: cis-1.12}
#     - {framework: NSA, id: pod-hardening}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Set securityContext.capabilities.drop to ["ALL"] on every container and add back at
#     most NET_BIND_SERVICE.
package fleetaudit.workload.pss_capabilities_restricted

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.pss_items.restricted
	wl.linux_only(w)
	bad := [[c, problems] |
		some c in w.pod.containers
		problems := array.concat(missing_drop(c), extra_adds(c))
		count(problems) > 0
	]
	count(bad) > 0
	places := [wl.container_place(c, "securityContext.capabilities", concat("; ", problems)) | some [c, problems] in bad]
	f := wl.pss_finding(w, places, "capabilities not dropped to ALL plus at most NET_BIND_SERVICE:")
	net_raw := [wl.cis("5.2.8") | some [c, _] in bad; keeps_net_raw(c)]
	finding := wl.with_controls(f, array.slice(net_raw, 0, 1))
}

drops(c) := object.get(c, ["securityContext", "capabilitiesDrop"], [])

adds(c) := object.get(c, ["securityContext", "capabilitiesAdd"], [])

missing_drop(c) := [] if "ALL" in drops(c)

missing_drop(c) := ["no drop ALL"] if not "ALL" in drops(c)

extra_adds(c) := [sprintf("adds %s", [concat(", ", extra)]) | extra := [a | some a in adds(c); a != "NET_BIND_SERVICE"]; count(extra) > 0]

# keeps_net_raw: the container has NET_RAW (CIS 5.2.8): it adds it, or drops neither it nor
# ALL (container runtimes grant it by default).
keeps_net_raw(c) if "NET_RAW" in adds(c)

keeps_net_raw(c) if {
	not "ALL" in drops(c)
	not "NET_RAW" in drops(c)
}
