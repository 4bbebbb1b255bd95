# METADATA
# title: Certificate expired
# description: >-
#   A certificate whose notAfter has passed: clients refuse it. An expired CA in a webhook's
#   or APIService's caBundle makes the API server fail every call to that webhook or API; an
#   expired serving certificate or kube-root-ca.crt breaks every client that verifies it; an
#   expired client certificate in the kubeconfig locks the audit (and whoever shares it) out.
# related_resources:
#   - ref: https://kubernetes.io/docs/setup/best-practices/certificates/
#   - ref: https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/
# custom:
#   id: FA-CERT-001
#   reads: [certificates, collectedAt]
#   severity: critical
#   category: certificates
#   controls:
#     - {framework: NSA, id: net-encryption}
#   remediation: >-
#     Issue a new certificate and put it (or its CA) where the finding's field points: the
#     webhook's or APIService's caBundle, the API server's serving pair, the kubeconfig.
#     Automate renewal (cert-manager's CA injector keeps caBundles in step).
package fleetaudit.certificates.expired

import data.fleetaudit.lib.certs

deny contains finding if {
	some c in certs.readable
	time.parse_rfc3339_ns(c.notAfter) <= certs.now_ns
	d := certs.details(c)
	finding := object.union(d, {
		"msg": sprintf("%s: certificate %s expired %d days ago (notAfter %s)", [certs.place(c), certs.subject(c), 0 - d.daysLeft, c.notAfter]),
		"resource": certs.resource(c),
	})
}
