# METADATA
# title: Containers use host ports
# description: >-
#   A hostPort opens a port on the node's own addresses, past the Service and NetworkPolicy
#   layer, and ties the pod to nodes where the port is free. Pod Security Standards baseline
#   control "Host Ports" (allowed: none, or 0).
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: FA-WL-005
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/host-ports}
#     - {framework: CIS, id: "5.2.12", version: cis-1.12}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove ports[].hostPort and expose the container through a Service (NodePort or
#     LoadBalancer when it must be reachable from outside).
package fleetaudit.workload.pss_host_ports

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.pss_items.baseline
	places := [wl.container_place(c, "ports", concat(", ", [sprintf("%d", [p]) | some p in ports])) |
		some c in w.pod.containers
		c.hostPorts
		ports := [p | some p in c.hostPorts; p != 0]
		count(ports) > 0
	]
	count(places) > 0
	finding := wl.pss_finding(w, places, "hostPort set on")
}
