# METADATA
# description: Helpers for the certificate rules (category certificates).
package fleetaudit.lib.certs

import data.fleetaudit.lib.k8s

params := k8s.params("certificates")

ns_per_day := ((24 * 60) * 60) * 1000000000

# now_ns is when the facts were collected: findings depend on the facts only, so a snapshot
# gives the same days left on any day.
now_ns := time.parse_rfc3339_ns(input.cluster.collectedAt)

certs := object.get(input.cluster, "certificates", {})

# items are every certificate of the facts, unreadable ones included.
items := object.get(certs, "items", [])

# readable are the certificates that parsed.
readable contains c if {
	some c in items
	not c.parseError
	c.notAfter
}

# days_left is the whole days from collection until t (RFC 3339), rounded down: negative once
# t has passed (Go's facts.DaysLeft computes the same for reports and metrics).
days_left(t) := floor((time.parse_rfc3339_ns(t) - now_ns) / ns_per_day)

# validity_days is a certificate's whole validity period in days.
validity_days(c) := floor((time.parse_rfc3339_ns(c.notAfter) - time.parse_rfc3339_ns(c.notBefore)) / ns_per_day)

# resource is the object that holds the certificate, with the field as fieldPath. The API
# server's serving chain and the kubeconfig's client certificate belong to the cluster.
resource(c) := {"kind": "Cluster", "fieldPath": c.field} if c.kind == "Cluster"

resource(c) := object.union(k8s.ref(c.apiVersion, c.kind, object.get(c, "namespace", ""), c.name), {"fieldPath": c.field}) if {
	c.kind != "Cluster"
}

# place names where a certificate is, for messages: "Kind/namespace/name field".
place(c) := sprintf("%s %s", [holder(c), c.field])

holder(c) := "the cluster" if c.kind == "Cluster"

holder(c) := sprintf("%s/%s", [c.kind, c.name]) if {
	c.kind != "Cluster"
	object.get(c, "namespace", "") == ""
}

holder(c) := sprintf("%s/%s/%s", [c.kind, c.namespace, c.name]) if {
	c.kind != "Cluster"
	object.get(c, "namespace", "") != ""
}

# subject names a certificate in messages: its subject CN, else its place in the bundle.
subject(c) := sprintf("%q", [c.subjectCN]) if c.subjectCN != ""

subject(c) := sprintf("#%d", [c.index]) if object.get(c, "subjectCN", "") == ""

# details are the fields every certificate finding carries besides msg and resource.
details(c) := {
	"source": c.source,
	"index": c.index,
	"subject": object.get(c, "subjectCN", ""),
	"notAfter": c.notAfter,
	"daysLeft": days_left(c.notAfter),
}
