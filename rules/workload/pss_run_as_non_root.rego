# METADATA
# title: Containers may run as root
# description: >-
#   Without runAsNonRoot true the kubelet starts a container whose image runs as root (UID 0)
#   without complaint. Pod Security Standards restricted control "Running as Non-root":
#   runAsNonRoot must be true on the pod, or on every container (a container's value
#   overrides the pod's); false is not allowed on the pod even when every container sets
#   true.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
# custom:
#   id: FA-WL-014
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: restricted/run-as-non-root}
#     - {framework: CIS, id: "5.2.7", version: cis-1.12}
#     - {framework: CIS, id: "5.6.3", version: cis-1.12}
#     - {framework: NSA, id: pod-non-root}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Set securityContext.runAsNonRoot to true on the pod (and a non-zero runAsUser, or an
#     image with a numeric non-root USER), and remove runAsNonRoot false from containers.
package fleetaudit.workload.pss_run_as_non_root

import data.fleetaudit.lib.workload as wl

field := "securityContext.runAsNonRoot"

deny contains finding if {
	some w in wl.pss_items.restricted
	pod_value := object.get(w.pod, ["securityContext", "runAsNonRoot"], null)
	pod := [wl.pod_place(field, "false") | pod_value == false]
	cs := [wl.container_place(c, field, detail) |
		some c in w.pod.containers
		detail := container_detail(object.get(c, ["securityContext", "runAsNonRoot"], null), pod_value)
	]
	places := array.concat(pod, cs)
	count(places) > 0
	finding := wl.pss_finding(w, places, "runAsNonRoot is not true:")
}

# container_detail is what is wrong with a container's runAsNonRoot given the pod's value;
# undefined when nothing is.
container_detail(false, _) := "false"

container_detail(null, null) := "unset"

container_detail(null, false) := "unset, inherits false"
