# METADATA
# title: Volume types outside the restricted set
# description: >-
#   The restricted level allows only volume types that go through the cluster's own storage
#   layer or carry pod data: configMap, csi, downwardAPI, emptyDir, ephemeral, image,
#   persistentVolumeClaim, projected and secret. Inline nfs, iscsi, hostPath, gitRepo, cloud
#   disks and the like mount storage the cluster's storage policy never sees. Pod Security
#   Standards restricted control "Volume Types", judged only where the namespace's level is
#   restricted.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
# custom:
#   id: FA-WL-012
#   reads: [workloads]
#   severity: low
#   category: workload
#   controls:
#     - {framework: PSS, id: restricted/volume-types}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Mount the storage through a PersistentVolumeClaim (a PersistentVolume or a CSI driver)
#     instead of an inline volume source.
package fleetaudit.workload.pss_volume_types

import data.fleetaudit.lib.workload as wl

allowed := {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret",
}

deny contains finding if {
	some w in wl.pss_items.restricted
	places := [wl.volume_place(v, "", v.type) |
		some v in w.pod.volumes
		not v.type in allowed
	]
	count(places) > 0
	finding := wl.pss_finding(w, places, "volume types outside the restricted set:")
}
