# METADATA
# title: Default ServiceAccount with a mounted token
# description: >-
#   The pod runs as its namespace's default ServiceAccount and mounts its token: every
#   workload of the namespace shares that identity, so whatever is granted to one is granted
#   to all, and a compromised container holds a working API credential it rarely needs.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
# custom:
#   id: FA-WL-024
#   reads: [workloads]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: CIS, id: "5.1.5", version: cis-1.12}
#     - {framework: CIS, id: "5.1.6", version: cis-1.12}
#     - {framework: NSA, id: pod-sa-tokens}
#   remediation: >-
#     Give the workload its own ServiceAccount (spec.serviceAccountName) if it calls the API;
#     otherwise set automountServiceAccountToken false on the pod spec or the default
#     ServiceAccount.
package fleetaudit.workload.default_serviceaccount_token

import data.fleetaudit.lib.workload as wl

deny contains finding if {
	some w in wl.items
	w.pod.automountToken == true
	object.get(w.pod, "serviceAccount", "") in {"", "default"}
	places := [wl.field_place("automountServiceAccountToken", "")]
	finding := wl.finding(w, places, sprintf("%s runs as the default ServiceAccount of namespace %s with its token mounted", [wl.name(w), w.namespace]))
}
