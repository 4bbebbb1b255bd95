# METADATA
# title: Removed API versions still in use
# description: >-
#   Objects were last written (kubectl apply's last-applied-configuration, a managedFields
#   entry, a Helm release manifest) with an API version that the upgrade target no longer
#   serves, or clients still request it (apiserver_requested_deprecated_apis). The writers'
#   manifests will fail after the upgrade. The table is data.fleetaudit.removed_apis.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/using-api/deprecation-guide/
# custom:
#   id: FA-UPG-004
#   reads: [version, upgrade]
#   severity: high
#   severities: [high, low]
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: Migrate the manifests, charts and clients to the replacement API version, re-apply, then upgrade.
package fleetaudit.upgrade.removed_apis

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.versions

# removed indexes the table by [group, version, kind] (a comprehension: built once).
removed := {[r.group, r.version, kind]: r | some r in data.fleetaudit.removed_apis; some kind in r.kinds}

gv(group, version) := version if group == ""

gv(group, version) := sprintf("%s/%s", [group, version]) if group != ""

object_name(use) := sprintf("%s/%s", [use.namespace, use.name]) if use.namespace

object_name(use) := use.name if not use.namespace

# Removed after the current version and at or before the upgrade target: blocks it.
deny contains finding if {
	some use in input.cluster.upgrade.apiUse
	r := removed[[use.group, use.version, use.kind]]
	m := versions.minor_of(r.removedIn)
	m > versions.current.minor
	m <= versions.next.minor
	finding := {
		"msg": sprintf("%s %s was written as %s (%s), which is removed in %s: use %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, r.removedIn, r.replacement]),
		"resource": k8s.ref(gv(use.group, use.version), use.kind, object.get(use, "namespace", ""), use.name),
		"removedIn": r.removedIn,
		"replacement": r.replacement,
	}
}

deny contains finding if {
	some req in object.get(input.cluster.upgrade, "requestedDeprecatedApis", [])
	req.removedRelease != ""
	m := versions.minor_of(req.removedRelease)
	m > versions.current.minor
	m <= versions.next.minor
	finding := {
		"msg": sprintf("clients still request %s %s, which is removed in %s", [gv(req.group, req.version), req.resource, req.removedRelease]),
		"resource": k8s.ref(gv(req.group, req.version), "APIResource", "", req.resource),
		"removedIn": req.removedRelease,
	}
}

# Already removed: the object was migrated by the server, but whoever wrote it last used the
# old version; their manifests no longer apply.
warn contains finding if {
	some use in input.cluster.upgrade.apiUse
	r := removed[[use.group, use.version, use.kind]]
	versions.minor_of(r.removedIn) <= versions.current.minor
	finding := {
		"msg": sprintf("%s %s was last written as %s (%s), removed since %s: update its source manifests to %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, r.removedIn, r.replacement]),
		"resource": k8s.ref(gv(use.group, use.version), use.kind, object.get(use, "namespace", ""), use.name),
		"severity": "low",
	}
}
