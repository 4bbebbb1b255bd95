# METADATA
# title: hostPath volumes
# description: >-
#   A hostPath volume mounts a folder of the node into the pod: the container runtime's
#   socket, the kubelet's credentials or /etc are a write away from taking the node. Pod
#   Security Standards baseline control "HostPath Volumes".
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - ref: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
# custom:
#   id: FA-WL-004
#   reads: [workloads]
#   severity: high
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/hostpath-volumes}
#     - {framework: CIS, id: "5.2.11", version: cis-1.12}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Replace hostPath volumes with emptyDir, ConfigMap/Secret, a PersistentVolumeClaim or a
#     CSI volume; node agents that need the host's files belong in a namespace labelled
#     pod-security.kubernetes.io/enforce=privileged.
package fleetaudit.workload.pss_hostpath_volumes

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.pss_items.baseline
	places := [wl.volume_place(v, "hostPath", object.get(v, "hostPath", "")) |
		some v in w.pod.volumes
		v.type == "hostPath"
	]
	count(places) > 0
	finding := wl.pss_finding(w, places, "hostPath volumes:")
}
