package fleetaudit.upgrade.removed_apis_test

import data.fleetaudit.upgrade.removed_apis as rule

v(minor) := {"gitVersion": sprintf("v1.%d.0", [minor]), "major": 1, "minor": minor, "patch": 0}

table := [
	{"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3", "kinds": ["FlowSchema"], "removedIn": "1.32", "replacement": "flowcontrol.apiserver.k8s.io/v1"},
	{"group": "policy", "version": "v1beta1", "kinds": ["PodDisruptionBudget"], "removedIn": "1.25", "replacement": "policy/v1"},
]

use := {"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3", "kind": "FlowSchema", "name": "fs", "source": "managedFields:kubectl"}

test_removed_in_target_denied if {
	got := rule.deny with input as {"cluster": {"version": v(31), "upgrade": {"apiUse": [use]}}} with data.fleetaudit.removed_apis as table
	some f in got
	f.msg == "FlowSchema fs was written as flowcontrol.apiserver.k8s.io/v1beta3 (managedFields:kubectl), which is removed in 1.32: use flowcontrol.apiserver.k8s.io/v1"
}

test_lookalike_current_version_or_later_removal_not_denied if {
	current := object.union(use, {"version": "v1"})
	count(rule.deny) == 0 with input as {"cluster": {"version": v(31), "upgrade": {"apiUse": [current]}}} with data.fleetaudit.removed_apis as table
	count(rule.deny) == 0 with input as {"cluster": {"version": v(29), "upgrade": {"apiUse": [use]}}} with data.fleetaudit.removed_apis as table
}

test_profile_target_range if {
	inp := {"cluster": {"version": v(29), "upgrade": {"apiUse": [use]}}, "profile": {"target": v(32)}}
	count(rule.deny) == 1 with input as inp with data.fleetaudit.removed_apis as table
}

test_already_removed_is_a_warning if {
	old := {"group": "policy", "version": "v1beta1", "kind": "PodDisruptionBudget", "namespace": "web", "name": "pdb", "source": "last-applied"}
	got := rule.warn with input as {"cluster": {"version": v(34), "upgrade": {"apiUse": [old]}}} with data.fleetaudit.removed_apis as table
	some f in got
	f.resource == {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "namespace": "web", "name": "pdb"}
}

test_requested_metric if {
	inp := {"cluster": {"version": v(31), "upgrade": {"apiUse": [], "requestedDeprecatedApis": [{"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3", "resource": "flowschemas", "removedRelease": "1.32"}]}}}
	some f in rule.deny with input as inp
	f.msg == "clients still request flowcontrol.apiserver.k8s.io/v1beta3 flowschemas, which is removed in 1.32"
}

# ---- deprecations (live) ----

full := [
	{"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3", "kinds": ["FlowSchema"], "deprecatedIn": "1.29", "removedIn": "1.32", "replacement": "flowcontrol.apiserver.k8s.io/v1", "component": "kubernetes"},
	{"group": "policy", "version": "v1beta1", "kinds": ["PodDisruptionBudget"], "deprecatedIn": "1.21", "removedIn": "1.25", "replacement": "policy/v1", "component": "kubernetes"},
	{"group": "storage.k8s.io", "version": "v1beta1", "kinds": ["VolumeAttributesClass"], "deprecatedIn": "1.34", "replacement": "storage.k8s.io/v1", "component": "kubernetes"},
	{"group": "cert-manager.io", "version": "v1alpha2", "kinds": ["Certificate"], "deprecatedIn": "1.4", "removedIn": "1.6", "replacement": "cert-manager.io/v1", "component": "cert-manager"},
	{"group": "authentication.istio.io", "version": "v1alpha1", "kinds": ["*"], "deprecatedIn": "1.5", "removedIn": "1.6", "replacement": "security.istio.io/v1beta1", "component": "istio"},
]

live(minor, uses) := {"cluster": {"version": v(minor), "upgrade": {"apiUse": uses}}}

vac := {"group": "storage.k8s.io", "version": "v1beta1", "kind": "VolumeAttributesClass", "name": "gold", "source": "last-applied"}

test_removed_the_minor_after_the_target_warns_medium if {
	# 1.30 → 1.31: v1beta3 FlowSchema goes in 1.32, the next upgrade.
	got := rule.warn with input as live(30, [use]) with data.fleetaudit.removed_apis as full
	some f in got
	f.severity == "medium"
	f.msg == "FlowSchema fs was written as flowcontrol.apiserver.k8s.io/v1beta3 (managedFields:kubectl), which is removed in 1.32, the minor after v1.31.0: use flowcontrol.apiserver.k8s.io/v1 before the next upgrade"
	count(rule.deny) == 0 with input as live(30, [use]) with data.fleetaudit.removed_apis as full
}

test_deprecated_at_current_version_warns_medium if {
	got := rule.warn with input as live(34, [vac]) with data.fleetaudit.removed_apis as full
	some f in got
	f.severity == "medium"
	f.msg == "VolumeAttributesClass gold was written as storage.k8s.io/v1beta1 (last-applied), deprecated at the current version (deprecated in 1.34, not yet removed): use storage.k8s.io/v1"
	f.deprecatedIn == "1.34"
}

test_lookalike_not_yet_deprecated_no_warning if {
	count(rule.warn) == 0 with input as live(33, [vac]) with data.fleetaudit.removed_apis as full

	# deprecated since 1.29, removed in 1.32: at 1.28 moving to 1.29 nothing is due yet
	count(rule.warn) == 0 with input as live(28, [use]) with data.fleetaudit.removed_apis as full
	count(rule.deny) == 0 with input as live(28, [use]) with data.fleetaudit.removed_apis as full
}

test_deprecated_and_removed_in_target_is_one_deny_no_warning if {
	count(rule.deny) == 1 with input as live(31, [use]) with data.fleetaudit.removed_apis as full
	count(rule.warn) == 0 with input as live(31, [use]) with data.fleetaudit.removed_apis as full
}

test_addon_api_in_use_warns_with_component if {
	cert := {"group": "cert-manager.io", "version": "v1alpha2", "kind": "Certificate", "namespace": "web", "name": "tls", "source": "helm:web"}
	got := rule.warn with input as live(31, [cert]) with data.fleetaudit.removed_apis as full
	some f in got
	f.msg == "Certificate web/tls is written as cert-manager.io/v1alpha2 (helm:web): cert-manager deprecated it in 1.4 and removed it in 1.6; use cert-manager.io/v1"
	f.component == "cert-manager"
	count(rule.deny) == 0 with input as live(31, [cert]) with data.fleetaudit.removed_apis as full
}

test_wildcard_kind_row if {
	pa := {"group": "authentication.istio.io", "version": "v1alpha1", "kind": "Policy", "namespace": "istio-system", "name": "default", "source": "last-applied"}
	some f in rule.warn with input as live(31, [pa]) with data.fleetaudit.removed_apis as full
	f.replacement == "security.istio.io/v1beta1"
}

# ---- CRD storedVersions ----

crd(stored) := {"name": "certificates.cert-manager.io", "group": "cert-manager.io", "kind": "Certificate", "servedVersions": ["v1"], "storedVersions": stored}

test_crd_stored_in_removed_addon_version_denied if {
	inp := {"cluster": {"version": v(33), "upgrade": {"apiUse": [], "crds": [crd(["v1alpha2", "v1"])]}}}
	got := rule.deny with input as inp with data.fleetaudit.removed_apis as full
	some f in got
	f.msg == "CustomResourceDefinition certificates.cert-manager.io still lists v1alpha2 in status.storedVersions, and cert-manager.io/v1alpha2 is removed (cert-manager deprecated it in 1.4 and removed it in 1.6): migrate the stored Certificate objects to cert-manager.io/v1, then trim storedVersions"
	f.resource == {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "name": "certificates.cert-manager.io", "fieldPath": "status.storedVersions"}
	f.severity == "high"
}

test_lookalike_crd_stored_only_in_current_version if {
	inp := {"cluster": {"version": v(33), "upgrade": {"apiUse": [], "crds": [crd(["v1"])]}}}
	count(rule.deny) == 0 with input as inp with data.fleetaudit.removed_apis as full
}

test_crd_of_kubernetes_row_blocks_only_when_the_target_removes_it if {
	snap := [{"group": "snapshot.storage.k8s.io", "version": "v1beta1", "kinds": ["VolumeSnapshot"], "removedIn": "1.30", "replacement": "snapshot.storage.k8s.io/v1"}]
	c := {"name": "volumesnapshots.snapshot.storage.k8s.io", "group": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot", "servedVersions": ["v1"], "storedVersions": ["v1beta1", "v1"]}
	count(rule.deny) == 1 with input as {"cluster": {"version": v(29), "upgrade": {"apiUse": [], "crds": [c]}}} with data.fleetaudit.removed_apis as snap
	count(rule.deny) == 0 with input as {"cluster": {"version": v(28), "upgrade": {"apiUse": [], "crds": [c]}}} with data.fleetaudit.removed_apis as snap
}

# ---- facts built from files ----

pdb := {"group": "policy", "version": "v1beta1", "kind": "PodDisruptionBudget", "namespace": "web", "name": "web", "source": "file:deploy/pdb.yaml:1"}

files(minor, uses) := {"cluster": {"version": v(minor), "source": {"kind": "manifests", "path": "deploy/", "kubeVersion": sprintf("v1.%d.0", [minor]), "objects": count(uses)}, "upgrade": {"apiUse": uses}}}

test_file_pdb_v1beta1_fails_for_1_25 if {
	got := rule.deny with input as files(25, [pdb]) with data.fleetaudit.removed_apis as full
	count(got) == 1
	some f in got
	f.msg == "PodDisruptionBudget web/web is written as policy/v1beta1 (file:deploy/pdb.yaml:1), which Kubernetes v1.25.0 no longer serves (deprecated in 1.21, removed in 1.25): it will not apply; use policy/v1"
	f.resource == {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "namespace": "web", "name": "web"}
	f.severity == "high"
	f.removedIn == "1.25"
}

test_file_pdb_v1beta1_passes_for_1_24_with_a_warning if {
	count(rule.deny) == 0 with input as files(24, [pdb]) with data.fleetaudit.removed_apis as full
	got := rule.warn with input as files(24, [pdb]) with data.fleetaudit.removed_apis as full
	count(got) == 1
	some f in got
	f.severity == "medium"
	f.msg == "PodDisruptionBudget web/web is written as policy/v1beta1 (file:deploy/pdb.yaml:1), deprecated in 1.21, removed in 1.25 (judged for Kubernetes v1.24.0): use policy/v1"
}

test_file_pdb_v1beta1_no_finding_before_deprecation if {
	count(rule.deny) == 0 with input as files(20, [pdb]) with data.fleetaudit.removed_apis as full
	count(rule.warn) == 0 with input as files(20, [pdb]) with data.fleetaudit.removed_apis as full
}

test_file_removed_next_minor_warns_without_deprecation if {
	t := [{"group": "policy", "version": "v1beta1", "kinds": ["PodDisruptionBudget"], "removedIn": "1.25", "replacement": "policy/v1"}]
	some f in rule.warn with input as files(24, [pdb]) with data.fleetaudit.removed_apis as t
	f.msg == "PodDisruptionBudget web/web is written as policy/v1beta1 (file:deploy/pdb.yaml:1), removed in 1.25 (judged for Kubernetes v1.24.0): use policy/v1"
}

test_files_do_not_use_the_live_branches if {
	# live: 1.31 → 1.32 would deny FlowSchema v1beta3; for files judged at 1.31 it is only deprecated
	count(rule.deny) == 0 with input as files(31, [use]) with data.fleetaudit.removed_apis as full
	some f in rule.warn with input as files(31, [use]) with data.fleetaudit.removed_apis as full
	f.severity == "medium"
}
