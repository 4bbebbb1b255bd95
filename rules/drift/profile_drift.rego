# METADATA
# title: Cluster drifted from its profile
# description: >-
#   The cluster differs from the version of the profile it is held to (its binding): the
#   version is the pinned one, else the newest catalog version for the Kubernetes minor the
#   cluster runs. A layer of that version is missing or runs another chart version; a chart an
#   older version of the profile had and this one dropped is still installed; the Kubernetes
#   patch differs; or no version of the profile is meant for the cluster's minor at all.
#   Installed charts come from the labels Helm puts on the workloads it manages; a layer with
#   an image is also recognised by the image its workloads run (installed without Helm).
# custom:
#   id: FA-DRIFT-001
#   reads: [version, upgrade]
#   severity: medium
#   severities: [medium, low]
#   category: drift
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: >-
#     Bring the cluster back to its profile version (install or upgrade the layer's chart, or
#     move to the profile's Kubernetes patch), or bind it to the profile version it runs.
package fleetaudit.drift.profile_drift

import data.fleetaudit.lib.bound
import data.fleetaudit.lib.k8s

cluster_minor := input.cluster.version.minor

charts := object.get(object.get(input.cluster, "upgrade", {}), "charts", [])

current := bound.current

profile_resource(v, path) := object.union(k8s.ref("fleetaudit.io/v1alpha1", "ClusterProfile", "", v.name), {"fieldPath": path})

minors := sort({sprintf("1.%d", [x.target.minor]) | some x in input.bound.versions})

deny contains finding if {
	input.bound.pinned == ""
	not current
	finding := {
		"msg": sprintf("runs Kubernetes %s, but no version of profile %s is meant for 1.%d (its versions target %s)", [input.cluster.version.gitVersion, input.bound.name, cluster_minor, concat(", ", minors)]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	input.bound.pinned != ""
	current.target.minor != cluster_minor
	finding := {
		"msg": sprintf("runs Kubernetes %s, but its pinned profile %s is for %s", [input.cluster.version.gitVersion, current.id, current.kubernetesVersion]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	current.target.minor == cluster_minor
	current.target.patch != input.cluster.version.patch
	finding := {
		"msg": sprintf("runs Kubernetes %s, its profile %s is at %s", [input.cluster.version.gitVersion, current.id, current.kubernetesVersion]),
		"resource": k8s.cluster_resource,
		"severity": "low",
	}
}

installed(chart) := [c | some c in charts; c.chart == chart]

images := object.get(object.get(input.cluster, "upgrade", {}), "images", [])

# running(layer) are the images of the layer's image repository the workloads run (a layer
# installed without Helm's labels: a managed add-on, plain manifests).
running(layer) := [i | some i in images; i.repository == layer.image.repository]

deny contains finding if {
	some layer in current.layers
	count(installed(layer.chart.name)) == 0
	count(running(layer)) == 0
	finding := {
		"msg": sprintf("layer %s (%s chart %s %s) of profile %s is not installed", [layer.name, layer.type, layer.chart.name, layer.chart.version, current.id]),
		"resource": profile_resource(current, sprintf("spec.layers[name=%s]", [layer.name])),
	}
}

deny contains finding if {
	some layer in current.layers
	some c in installed(layer.chart.name)
	trim_prefix(c.version, "v") != trim_prefix(layer.chart.version, "v")
	finding := {
		"msg": sprintf("layer %s runs chart %s %s (release %s/%s), its profile %s says %s", [layer.name, c.chart, c.version, c.namespace, c.release, current.id, layer.chart.version]),
		"resource": profile_resource(current, sprintf("spec.layers[name=%s]", [layer.name])),
	}
}

# A layer seen by its image only (no Helm labels) runs another tag than the profile's.
deny contains finding if {
	some layer in current.layers
	count(installed(layer.chart.name)) == 0
	some i in running(layer)
	i.tag != layer.image.tag
	finding := {
		"msg": sprintf("layer %s runs image %s:%s (%s/%s, not installed by Helm), its profile %s says tag %s", [layer.name, i.repository, i.tag, i.namespace, i.workload, current.id, layer.image.tag]),
		"resource": profile_resource(current, sprintf("spec.layers[name=%s].image", [layer.name])),
	}
}

# A chart that some version of the profile had as a layer and the current one does not.
deny contains finding if {
	names := {l.chart.name | some l in current.layers}
	dropped := {l.chart.name | some v in input.bound.versions; some l in v.layers; not l.chart.name in names}
	some chart in dropped
	some c in installed(chart)
	finding := {
		"msg": sprintf("chart %s %s (release %s/%s) is installed, but profile %s has no layer with it any more (an earlier version had one)", [c.chart, c.version, c.namespace, c.release, current.id]),
		"resource": profile_resource(current, "spec.layers"),
		"severity": "low",
	}
}
