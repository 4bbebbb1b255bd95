# METADATA
# title: Workloads run as the default ServiceAccount
# description: >-
#   Pods that run as their namespace's default ServiceAccount share one identity with every
#   other such pod, so a permission granted for one is granted to all.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
# custom:
#   id: FA-RBAC-017
#   reads: [rbac.serviceAccounts]
#   severity: low
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.5", version: cis-1.12}
#     - {framework: NSA, id: "pod-sa-tokens"}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Give each workload its own ServiceAccount (spec.serviceAccountName) and set
#     automountServiceAccountToken false on the default one.
package fleetaudit.compliance.rbac_serviceaccounts

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac

deny contains finding if {
	some sa in object.get(rbac.facts, "serviceAccounts", [])
	sa.name == "default"
	sa.pods > 0
	not rbac.serviceaccount_exempt(sa.namespace, sa.name)
	key := sprintf("ServiceAccount/%s/default", [sa.namespace])
	finding := {
		"msg": sprintf("%d pods in namespace %s run as the default ServiceAccount (e.g. %s)", [sa.pods, sa.namespace, concat(", ", sa.examplePods)]),
		"resource": k8s.key_resource(key),
		"subject": key,
	}
}
