# METADATA
# title: Images tagged latest or untagged
# description: >-
#   An image without a tag means :latest, and :latest (without a digest) names whatever was
#   pushed last: two nodes may run different code under one spec, a rollback does not roll
#   back, and what runs cannot be traced to a build. Every container, init and ephemeral
#   container is judged; a digest (…@sha256:…) pins the image whatever its tag.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/containers/images/#image-names
# custom:
#   id: FA-WL-018
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: NSA, id: pod-secure-images}
#   remediation: Reference images by a version tag and, better, by digest (image@sha256:…).
package fleetaudit.workload.image_mutable_tag

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.items
	places := [wl.container_place(c, "image", c.image.ref) |
		some c in w.pod.containers
		object.get(c.image, "digest", "") == ""
		object.get(c.image, "tag", "") in {"", "latest"}
	]
	count(places) > 0
	finding := wl.finding(w, places, sprintf("%s: image tagged latest or untagged, without a digest: %s", [wl.name(w), wl.where(places)]))
}
