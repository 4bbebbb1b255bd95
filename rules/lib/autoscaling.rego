# METADATA
# description: >-
#   Autoscaling helpers: the autoscaling facts, the resource of an HPA, and how long a
#   condition has held at collection time.
package fleetaudit.lib.autoscaling

import data.fleetaudit.lib.k8s

params := k8s.params("autoscaling")

facts := object.get(input.cluster, "autoscaling", {})

hpas := object.get(facts, "hpas", [])

hpa_resource(h) := k8s.ref("autoscaling/v2", "HorizontalPodAutoscaler", h.namespace, h.name)

# name is how a message names an HPA: "HPA shop/web".
name(h) := sprintf("HPA %s/%s", [h.namespace, h.name])

# target names an HPA's or VPA's target: "Deployment web".
target(x) := sprintf("%s %s", [x.target.kind, x.target.name])

# age_ns is how long ago, at collection, a condition last changed (nanoseconds); a condition
# without lastTransitionTime counts as old.
age_ns(c) := time.parse_rfc3339_ns(input.cluster.collectedAt) - time.parse_rfc3339_ns(c.lastTransitionTime) if {
	object.get(c, "lastTransitionTime", "") != ""
}

age_ns(c) := 1e18 if object.get(c, "lastTransitionTime", "") == ""

# duration formats nanoseconds as days and hours ("2d3h", "5h"), minutes under an hour.
duration(ns) := sprintf("%dd%dh", [d, h]) if {
	hours := floor(ns / 3.6e12)
	d := floor(hours / 24)
	h := hours % 24
	d > 0
}

duration(ns) := sprintf("%dh", [floor(ns / 3.6e12)]) if {
	ns >= 3.6e12
	ns < 8.64e13
}

duration(ns) := sprintf("%dm", [floor(ns / 6e10)]) if ns < 3.6e12

# resource_metrics are the resources (cpu, memory) an HPA scales on.
resource_metrics(h) := {m.resource |
	some m in h.metrics
	m.type in {"Resource", "ContainerResource"}
}
