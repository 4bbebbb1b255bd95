# METADATA
# title: cert-manager Issuer or ClusterIssuer not ready
# description: >-
#   An Issuer or ClusterIssuer whose Ready condition is not True cannot sign: every
#   Certificate that names it stops renewing and expires in its turn.
# related_resources:
#   - ref: https://cert-manager.io/docs/configuration/
# custom:
#   id: FA-CERT-007
#   reads: [certificates]
#   severity: high
#   category: certificates
#   controls:
#     - {framework: NSA, id: net-encryption}
#   remediation: >-
#     kubectl describe the issuer: fix its CA Secret, ACME account or external signer
#     credentials until Ready is True.
package fleetaudit.certificates.issuer_not_ready

import data.fleetaudit.lib.certs
import data.fleetaudit.lib.k8s

deny contains finding if {
	some i in object.get(object.get(certs.certs, "certManager", {}), "issuers", [])
	i.ready != "True"
	ns := object.get(i, "namespace", "")
	name := concat("/", [x | some x in [ns, i.name]; x != ""])
	why := concat(": ", [x | some x in [object.get(i, "reason", ""), object.get(i, "message", "")]; x != ""])
	finding := {
		"msg": sprintf("%s %s is not ready (%s)", [i.kind, name, why_or_status(why, i.ready)]),
		"resource": object.union(k8s.ref("cert-manager.io/v1", i.kind, ns, i.name), {"fieldPath": "status.conditions[type=Ready]"}),
	}
}

why_or_status(why, _) := why if why != ""

why_or_status("", ready) := sprintf("Ready=%s", [ready])
