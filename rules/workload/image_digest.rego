# METADATA
# title: Images not pinned by digest
# description: >-
#   A tag can be moved to another image; only a digest names one image for good, so the
#   code that runs is the code that was reviewed and scanned. Advice: reports images with a
#   version tag and no digest (those tagged latest or untagged are FA-WL-018's), for every
#   container, init and ephemeral container.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/containers/images/#image-names
# custom:
#   id: FA-WL-019
#   reads: [workloads]
#   severity: low
#   category: workload
#   controls:
#     - {framework: NSA, id: pod-secure-images}
#   remediation: >-
#     Reference images by digest (registry/repo:tag@sha256:…), e.g. resolved at deploy time by
#     the CI pipeline or a mutating admission policy.
package fleetaudit.workload.image_digest

import data.fleetaudit.lib.workload as wl

warn contains finding if {
	some w in wl.items
	places := [wl.container_place(c, "image", c.image.ref) |
		some c in w.pod.containers
		object.get(c.image, "digest", "") == ""
		not object.get(c.image, "tag", "") in {"", "latest"}
	]
	count(places) > 0
	finding := wl.finding(w, places, sprintf("%s: image not pinned by digest: %s", [wl.name(w), wl.where(places)]))
}
