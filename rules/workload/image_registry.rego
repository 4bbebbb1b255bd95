# METADATA
# title: Images from registries outside the allow-list
# description: >-
#   Images pulled from a registry the platform team does not trust bypass its scanning,
#   signing and mirroring. The allow-list is data.fleetaudit.params.workload.images.
#   allowed_registries (registry hosts or globs, e.g. "*.dkr.ecr.eu-west-1.amazonaws.com";
#   Docker Hub is docker.io); an empty list, the default, turns the rule off. Every
#   container, init and ephemeral container is judged.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/containers/images/
# custom:
#   id: FA-WL-020
#   reads: [workloads]
#   severity: high
#   category: workload
#   controls:
#     - {framework: NSA, id: pod-secure-images}
#   remediation: >-
#     Pull the image through an allowed registry (mirror it there), or add the registry to
#     workload.images.allowed_registries if it is trusted.
package fleetaudit.workload.image_registry

import data.fleetaudit.lib.workload as wl

allowed := object.get(wl.params, ["images", "allowed_registries"], [])

deny contains finding if {
	count(allowed) > 0
	some w in wl.items
	places := [wl.container_place(c, "image", sprintf("%s from %s", [c.image.ref, c.image.registry])) |
		some c in w.pod.containers
		not trusted(c.image.registry)
	]
	count(places) > 0
	finding := wl.finding(w, places, sprintf("%s: image from a registry outside workload.images.allowed_registries: %s", [wl.name(w), wl.where(places)]))
}

trusted(registry) if {
	some pattern in allowed
	glob.match(pattern, null, registry)
}
