# METADATA
# title: Containers without liveness or readiness probes
# description: >-
#   Without a readiness probe a pod gets traffic before it can serve it and keeps it while
#   it cannot, and rollouts proceed on pods that do not work; without a liveness probe a
#   hung process is never restarted. Advice, for the regular containers of long-running
#   workloads: init and ephemeral containers, Jobs, CronJobs and pods of Jobs run to
#   completion and are not judged.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
# custom:
#   id: FA-WL-021
#   reads: [workloads]
#   severity: low
#   category: workload
#   controls:
#     - {framework: K8s, id: probes}
#   remediation: >-
#     Add a readinessProbe that checks the container can serve, and a livenessProbe that
#     checks it is not stuck (with a startupProbe for slow starts).
package fleetaudit.workload.probes_missing

import data.fleetaudit.lib.workload as wl

warn contains finding if {
	some w in wl.items
	not runs_to_completion(w)
	places := [wl.container_place(c, "", detail(missing)) |
		some c in w.pod.containers
		c.type == "container"
		not probed(c)
		missing := [p | some p, field in probes; not c[field]]
	]
	count(places) > 0
	finding := wl.finding(w, places, sprintf("%s: containers without a liveness or readiness probe: %s", [wl.name(w), wl.where(places)]))
}

# probes are the probes judged by name, with their field in the facts (in this order).
probes := {"liveness": "livenessProbe", "readiness": "readinessProbe"}

probed(c) if {
	c.livenessProbe == true
	c.readinessProbe == true
}

runs_to_completion(w) if w.kind in {"Job", "CronJob"}

runs_to_completion(w) if {
	w.kind == "Pod"
	startswith(object.get(w, "owner", ""), "Job/")
}

detail(missing) := sprintf("no %s probe", [concat(" or ", missing)])
