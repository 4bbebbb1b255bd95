# METADATA
# title: Deprecated and removed API versions in use
# description: >-
#   Objects written with an API version that is removed or deprecated. On a live cluster the
#   evidence is how objects were last written (kubectl apply's last-applied-configuration, a
#   managedFields entry, a Helm release manifest), client requests
#   (apiserver_requested_deprecated_apis) and the storedVersions of CustomResourceDefinitions;
#   a version removed at or before the upgrade target blocks, one removed in the minor after
#   the target or deprecated now warns. For facts built from files (input.cluster.source), each
#   object as written is judged for the files' Kubernetes version: removed means it will not
#   apply. The table is data.fleetaudit.removed_apis (rules/removed_apis.yaml, from Pluto).
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/using-api/deprecation-guide/
#   - ref: https://github.com/FairwindsOps/pluto
# custom:
#   id: FA-UPG-004
#   reads: [version, upgrade, source]
#   severity: high
#   severities: [high, medium, low]
#   category: upgrade
#   controls:
#     - {framework: NSA, id: "upgrades"}
#   remediation: >-
#     Migrate the manifests, charts and clients to the replacement API version and re-apply;
#     for a CRD, migrate the objects stored in the removed version (e.g. kube-storage-version-migrator,
#     cmctl upgrade migrate-api-version) and trim status.storedVersions; then upgrade.
package fleetaudit.upgrade.removed_apis

import data.fleetaudit.lib.k8s
import data.fleetaudit.lib.versions

# removed indexes the table by [group, version, kind] (a comprehension: built once); kind "*"
# rows cover every kind of their group/version.
removed := {[r.group, r.version, kind]: r | some r in data.fleetaudit.removed_apis; some kind in r.kinds}

entry(group, version, kind) := removed[[group, version, kind]]

entry(group, version, kind) := removed[[group, version, "*"]] if not removed[[group, version, kind]]

component(r) := object.get(r, "component", "kubernetes")

kubernetes(r) if component(r) == "kubernetes"

# removed_minor and deprecated_minor of a Kubernetes row (undefined when the row has none).
removed_minor(r) := versions.minor_of(r.removedIn) if object.get(r, "removedIn", "") != ""

deprecated_minor(r) := versions.minor_of(r.deprecatedIn) if object.get(r, "deprecatedIn", "") != ""

# from_files: the facts were built from files, judged for input.cluster.version.
from_files if input.cluster.source

gv(group, version) := version if group == ""

gv(group, version) := sprintf("%s/%s", [group, version]) if group != ""

object_name(use) := sprintf("%s/%s", [use.namespace, use.name]) if use.namespace

object_name(use) := use.name if not use.namespace

resource(use) := k8s.ref(gv(use.group, use.version), use.kind, object.get(use, "namespace", ""), use.name)

replacement(r) := object.get(r, "replacement", "") if object.get(r, "replacement", "") != ""

replacement(r) := "no replacement listed" if object.get(r, "replacement", "") == ""

# history(r): "deprecated in 1.21, removed in 1.25" (what the row knows), with the component
# for add-ons ("cert-manager deprecated it in 1.4 and removed it in 1.6").
history(r) := sprintf("deprecated in %s, removed in %s", [r.deprecatedIn, r.removedIn]) if {
	kubernetes(r)
	object.get(r, "deprecatedIn", "") != ""
	object.get(r, "removedIn", "") != ""
}

history(r) := sprintf("removed in %s", [r.removedIn]) if {
	kubernetes(r)
	object.get(r, "deprecatedIn", "") == ""
}

history(r) := sprintf("deprecated in %s, not yet removed", [r.deprecatedIn]) if {
	kubernetes(r)
	object.get(r, "removedIn", "") == ""
}

history(r) := sprintf("%s deprecated it in %s and removed it in %s", [component(r), r.deprecatedIn, r.removedIn]) if {
	not kubernetes(r)
	object.get(r, "deprecatedIn", "") != ""
	object.get(r, "removedIn", "") != ""
}

history(r) := sprintf("%s removed it in %s", [component(r), r.removedIn]) if {
	not kubernetes(r)
	object.get(r, "deprecatedIn", "") == ""
}

history(r) := sprintf("%s deprecated it in %s", [component(r), r.deprecatedIn]) if {
	not kubernetes(r)
	object.get(r, "removedIn", "") == ""
}

finding(use, r, msg, severity) := {
	"msg": msg,
	"resource": resource(use),
	"severity": severity,
	"removedIn": object.get(r, "removedIn", ""),
	"deprecatedIn": object.get(r, "deprecatedIn", ""),
	"replacement": replacement(r),
	"component": component(r),
}

# ---- Live clusters ----

# Removed after the current version and at or before the upgrade target: blocks it.
deny contains f if {
	not from_files
	some use in input.cluster.upgrade.apiUse
	r := entry(use.group, use.version, use.kind)
	kubernetes(r)
	m := removed_minor(r)
	m > versions.current.minor
	m <= versions.next.minor
	f := finding(use, r, sprintf("%s %s was written as %s (%s), which is removed in %s: use %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, r.removedIn, replacement(r)]), "high")
}

deny contains finding if {
	not from_files
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

# Removed in the minor after the target: the next upgrade will block on it.
warn contains f if {
	not from_files
	some use in input.cluster.upgrade.apiUse
	r := entry(use.group, use.version, use.kind)
	kubernetes(r)
	removed_minor(r) == versions.next.minor + 1
	f := finding(use, r, sprintf("%s %s was written as %s (%s), which is removed in %s, the minor after %s: use %s before the next upgrade", [use.kind, object_name(use), gv(use.group, use.version), use.source, r.removedIn, versions.next.gitVersion, replacement(r)]), "medium")
}

# Deprecated at the current version and not removed by the next two minors.
warn contains f if {
	not from_files
	some use in input.cluster.upgrade.apiUse
	r := entry(use.group, use.version, use.kind)
	kubernetes(r)
	deprecated_minor(r) <= versions.current.minor
	not removed_by(r, versions.next.minor + 1)
	f := finding(use, r, sprintf("%s %s was written as %s (%s), deprecated at the current version (%s): use %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, history(r), replacement(r)]), "medium")
}

# removed_by(r, minor): r is removed in that minor or before.
removed_by(r, minor) if removed_minor(r) <= minor

# Already removed: the object was migrated by the server, but whoever wrote it last used the
# old version; their manifests no longer apply.
warn contains f if {
	not from_files
	some use in input.cluster.upgrade.apiUse
	r := entry(use.group, use.version, use.kind)
	kubernetes(r)
	removed_minor(r) <= versions.current.minor
	f := finding(use, r, sprintf("%s %s was last written as %s (%s), removed since %s: update its source manifests to %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, r.removedIn, replacement(r)]), "low")
}

# An add-on's API (its releases are the add-on's, not Kubernetes'): the manifests fail once
# the add-on is upgraded past the removal.
warn contains f if {
	some use in input.cluster.upgrade.apiUse
	r := entry(use.group, use.version, use.kind)
	not kubernetes(r)
	f := finding(use, r, sprintf("%s %s is written as %s (%s): %s; use %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, history(r), replacement(r)]), "medium")
}

# A CRD still records objects stored in a version the table says is removed: until they are
# migrated and storedVersions trimmed, the add-on's (or Kubernetes') upgrade that drops the
# version fails, or its objects become unreadable.
deny contains f if {
	not from_files
	some crd in object.get(input.cluster.upgrade, "crds", [])
	some stored in crd.storedVersions
	r := entry(crd.group, stored, crd.kind)
	object.get(r, "removedIn", "") != ""
	crd_removal_reached(r)
	f := {
		"msg": sprintf("CustomResourceDefinition %s still lists %s in status.storedVersions, and %s/%s is removed (%s): migrate the stored %s objects to %s, then trim storedVersions", [crd.name, stored, crd.group, stored, history(r), crd.kind, replacement(r)]),
		"resource": object.union(k8s.ref("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", crd.name), {"fieldPath": "status.storedVersions"}),
		"severity": "high",
		"removedIn": r.removedIn,
		"replacement": replacement(r),
		"component": component(r),
	}
}

# A Kubernetes row blocks when the target removes it; an add-on row always (its removal is in
# the add-on's releases, which the facts do not pin).
crd_removal_reached(r) if {
	kubernetes(r)
	removed_minor(r) <= versions.next.minor
}

crd_removal_reached(r) if not kubernetes(r)

# ---- Facts built from files ----

# Removed at or before the files' Kubernetes version: the object will not apply.
deny contains f if {
	from_files
	some use in input.cluster.upgrade.apiUse
	r := entry(use.group, use.version, use.kind)
	kubernetes(r)
	removed_minor(r) <= input.cluster.version.minor
	f := finding(use, r, sprintf("%s %s is written as %s (%s), which Kubernetes %s no longer serves (%s): it will not apply; use %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, input.cluster.version.gitVersion, history(r), replacement(r)]), "high")
}

# Deprecated at the files' version, or removed in the next minor.
warn contains f if {
	from_files
	some use in input.cluster.upgrade.apiUse
	r := entry(use.group, use.version, use.kind)
	kubernetes(r)
	not removed_by(r, input.cluster.version.minor)
	file_warned(r)
	f := finding(use, r, sprintf("%s %s is written as %s (%s), %s (judged for Kubernetes %s): use %s", [use.kind, object_name(use), gv(use.group, use.version), use.source, history(r), input.cluster.version.gitVersion, replacement(r)]), "medium")
}

file_warned(r) if deprecated_minor(r) <= input.cluster.version.minor

file_warned(r) if removed_minor(r) == input.cluster.version.minor + 1
