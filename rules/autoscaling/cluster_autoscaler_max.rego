# METADATA
# title: Cluster autoscaler node group at its maximum size
# description: >-
#   When a node group's cloud provider target has reached its maxSize, the cluster
#   autoscaler cannot add nodes to it: pods that need that group stay pending. Read from the
#   cluster autoscaler's status ConfigMap (cluster-autoscaler-status, the YAML format of
#   release 1.30 and later); judged only where it could be read.
# related_resources:
#   - ref: https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#how-can-i-check-what-is-going-on-in-ca-
# custom:
#   id: FA-AS-008
#   reads: [autoscaling]
#   severity: medium
#   category: autoscaling
#   controls:
#     - {framework: K8s, id: node-autoscaling}
#   remediation: Raise the node group's maximum size (in the cloud provider and the autoscaler's --nodes flag), or add a node group.
package fleetaudit.autoscaling.cluster_autoscaler_max

import data.fleetaudit.lib.autoscaling as hpa
import data.fleetaudit.lib.k8s

deny contains finding if {
	ca := hpa.facts.clusterAutoscaler
	some g in object.get(ca, "nodeGroups", [])
	g.maxSize > 0
	g.target >= g.maxSize
	finding := {
		"msg": sprintf("cluster autoscaler node group %s is at its maximum size (%d of max %d, %d ready): it cannot add nodes", [g.name, g.target, g.maxSize, g.ready]),
		"resource": k8s.ref("apps/v1", "Deployment", ca.namespace, ca.name),
		"nodeGroup": g.name,
	}
}
