# METADATA
# title: ServiceAccount token mounted where no permission needs it
# description: >-
#   Pods mount a ServiceAccount token although that ServiceAccount is bound to no role: the
#   token serves no purpose and is one more credential to steal.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
# custom:
#   id: FA-RBAC-018
#   reads: [rbac.subjects, rbac.serviceAccounts]
#   severity: low
#   category: compliance
#   controls:
#     - {framework: CIS, id: "5.1.6", version: cis-1.12}
#     - {framework: NSA, id: "pod-sa-tokens"}
#     - {framework: NSA, id: "authn-authz"}
#   framework: rbac
#   remediation: >-
#     Set automountServiceAccountToken false on the ServiceAccount (or on the pods) when the
#     workload does not call the Kubernetes API.
package fleetaudit.compliance.rbac_token_automount

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.rbac

bound_serviceaccounts := {s.key | some s in rbac.subjects; s.kind == "ServiceAccount"; count(s.grants) > 0}

deny contains finding if {
	some sa in object.get(rbac.facts, "serviceAccounts", [])
	sa.podsWithToken > 0
	not rbac.serviceaccount_exempt(sa.namespace, sa.name)
	key := sprintf("ServiceAccount/%s/%s", [sa.namespace, sa.name])
	not key in bound_serviceaccounts
	finding := {
		"msg": sprintf("%d pods mount the token of %s, which no binding grants anything", [sa.podsWithToken, key]),
		"resource": k8s.key_resource(key),
		"subject": key,
	}
}
