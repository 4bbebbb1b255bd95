package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/rules"
)

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCommittedTableIsGenerated: rules/removed_apis.yaml is exactly what the generator writes
// from the vendored Pluto file and overrides.yaml (with the date its header records), so
// nobody edits the table by hand and a changed override or Pluto copy is regenerated.
func TestCommittedTableIsGenerated(t *testing.T) {
	committed := read(t, out)
	date := HeaderDate(committed)
	if date == "" {
		t.Fatalf("%s has no '# Generated: YYYY-MM-DD.' header line", out)
	}
	b, err := Generate(read(t, vendored), read(t, overrides), Meta{Source: vendoredSource, PlutoVersion: vendoredVersion, Date: date})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, committed) {
		t.Fatalf("%s is not what hack/removedapis writes: run go run ./hack/removedapis (and review the diff)", out)
	}
	for _, want := range []string{"Pluto v5.24.0", "Apache License 2.0", "commit dd5ec8cccce5e42dfe8054b8250baa35546056a0"} {
		if !bytes.Contains(committed, []byte(want)) {
			t.Errorf("header lacks %q", want)
		}
	}
}

// TestTableRows checks the generated table as the loader reads it: its size, rows every
// upgrade relies on, the corrections of overrides.yaml, and that every row of the table
// fleetaudit shipped before the generator keeps its removal, replacement and scan mark.
func TestTableRows(t *testing.T) {
	table, err := rules.ParseRemovedAPIs(out, read(t, out))
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]rules.RemovedAPI{}
	deprecated, addons := 0, 0
	for _, r := range table {
		if len(r.Kinds) != 1 {
			t.Errorf("%s/%s: one kind per row, got %v", r.Group, r.Version, r.Kinds)
		}
		byKey[r.Group+"/"+r.Version+" "+r.Kinds[0]] = r
		if r.DeprecatedIn != "" {
			deprecated++
		}
		if !r.Kubernetes() {
			addons++
		}
	}
	if deprecated < 80 || addons < 20 {
		t.Errorf("%d rows with deprecatedIn (want ≥ 80), %d add-on rows (want ≥ 20)", deprecated, addons)
	}
	row := func(key string) rules.RemovedAPI {
		r, ok := byKey[key]
		if !ok {
			t.Errorf("no row %s", key)
		}
		return r
	}
	for key, want := range map[string][4]string{ // deprecatedIn, removedIn, replacement, component
		"policy/v1beta1 PodDisruptionBudget":               {"1.21", "1.25", "policy/v1", "kubernetes"},
		"flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema":  {"1.23", "1.26", "flowcontrol.apiserver.k8s.io/v1", "kubernetes"},
		"storage.k8s.io/v1beta1 VolumeAttributesClass":     {"1.34", "", "storage.k8s.io/v1", "kubernetes"},
		"resource.k8s.io/v1beta1 ResourceClaim":            {"1.33", "1.36", "resource.k8s.io/v1beta2", "kubernetes"},
		"cert-manager.io/v1alpha2 Certificate":             {"1.4", "1.6", "cert-manager.io/v1", "cert-manager"},
		"acme.cert-manager.io/v1alpha2 Order":              {"1.4", "1.6", "acme.cert-manager.io/v1", "cert-manager"},
		"authentication.istio.io/v1alpha1 *":               {"1.5", "1.6", "security.istio.io/v1beta1", "istio"},
		"authorization.k8s.io/v1beta1 SubjectAccessReview": {"1.19", "1.22", "authorization.k8s.io/v1", "kubernetes"},
	} {
		r := row(key)
		if got := [4]string{r.DeprecatedIn, r.RemovedIn, r.Replacement, r.Component}; got != want {
			t.Errorf("%s: %v, want %v", key, got, want)
		}
	}
	if _, ok := byKey["flowcontrol.apiserver.k8s.io/v1beta1 FlowControl"]; ok {
		t.Error("Pluto's FlowControl row (not a kind) should be dropped")
	}
	// The table before the generator: group/version kinds → removedIn, replacement; * = scan: false.
	before := map[string][2]string{
		"admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration":   {"1.22", "admissionregistration.k8s.io/v1"},
		"admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration": {"1.22", "admissionregistration.k8s.io/v1"},
		"apiextensions.k8s.io/v1beta1 CustomResourceDefinition":               {"1.22", "apiextensions.k8s.io/v1"},
		"apiregistration.k8s.io/v1beta1 APIService":                           {"1.22", "apiregistration.k8s.io/v1"},
		"authentication.k8s.io/v1beta1 TokenReview*":                          {"1.22", "authentication.k8s.io/v1"},
		"authorization.k8s.io/v1beta1 SubjectAccessReview*":                   {"1.22", "authorization.k8s.io/v1"},
		"authorization.k8s.io/v1beta1 LocalSubjectAccessReview*":              {"1.22", "authorization.k8s.io/v1"},
		"authorization.k8s.io/v1beta1 SelfSubjectAccessReview*":               {"1.22", "authorization.k8s.io/v1"},
		"certificates.k8s.io/v1beta1 CertificateSigningRequest":               {"1.22", "certificates.k8s.io/v1"},
		"coordination.k8s.io/v1beta1 Lease*":                                  {"1.22", "coordination.k8s.io/v1"},
		"extensions/v1beta1 Ingress":                                          {"1.22", "networking.k8s.io/v1"},
		"networking.k8s.io/v1beta1 Ingress":                                   {"1.22", "networking.k8s.io/v1"},
		"networking.k8s.io/v1beta1 IngressClass":                              {"1.22", "networking.k8s.io/v1"},
		"rbac.authorization.k8s.io/v1beta1 ClusterRole":                       {"1.22", "rbac.authorization.k8s.io/v1"},
		"rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding":                {"1.22", "rbac.authorization.k8s.io/v1"},
		"rbac.authorization.k8s.io/v1beta1 Role":                              {"1.22", "rbac.authorization.k8s.io/v1"},
		"rbac.authorization.k8s.io/v1beta1 RoleBinding":                       {"1.22", "rbac.authorization.k8s.io/v1"},
		"scheduling.k8s.io/v1beta1 PriorityClass":                             {"1.22", "scheduling.k8s.io/v1"},
		"storage.k8s.io/v1beta1 CSIDriver":                                    {"1.22", "storage.k8s.io/v1"},
		"storage.k8s.io/v1beta1 CSINode":                                      {"1.22", "storage.k8s.io/v1"},
		"storage.k8s.io/v1beta1 StorageClass":                                 {"1.22", "storage.k8s.io/v1"},
		"storage.k8s.io/v1beta1 VolumeAttachment":                             {"1.22", "storage.k8s.io/v1"},
		"batch/v1beta1 CronJob":                                               {"1.25", "batch/v1"},
		"discovery.k8s.io/v1beta1 EndpointSlice*":                             {"1.25", "discovery.k8s.io/v1"},
		"events.k8s.io/v1beta1 Event*":                                        {"1.25", "events.k8s.io/v1"},
		"policy/v1beta1 PodDisruptionBudget":                                  {"1.25", "policy/v1"},
		"policy/v1beta1 PodSecurityPolicy*":                                   {"1.25", "none (Pod Security Admission)"},
		"node.k8s.io/v1beta1 RuntimeClass":                                    {"1.25", "node.k8s.io/v1"},
		"autoscaling/v2beta1 HorizontalPodAutoscaler":                         {"1.25", "autoscaling/v2"},
		"flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration":     {"1.26", "flowcontrol.apiserver.k8s.io/v1"},
		"autoscaling/v2beta2 HorizontalPodAutoscaler":                         {"1.26", "autoscaling/v2"},
		"storage.k8s.io/v1beta1 CSIStorageCapacity":                           {"1.27", "storage.k8s.io/v1"},
		"flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema":                     {"1.29", "flowcontrol.apiserver.k8s.io/v1"},
		"flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration":     {"1.32", "flowcontrol.apiserver.k8s.io/v1"},
	}
	for key, want := range before {
		noScan := strings.HasSuffix(key, "*")
		r := row(strings.TrimSuffix(key, "*"))
		if r.RemovedIn != want[0] || r.Replacement != want[1] || r.Scanned() == noScan {
			t.Errorf("%s: removedIn %q replacement %q scanned %v; the table before had %v, scanned %v", key, r.RemovedIn, r.Replacement, r.Scanned(), want, !noScan)
		}
	}
}

// TestGenerateRefusesBadOverrides: an override that matches no Pluto row and adds none (a
// typo), or a drop of a row Pluto lacks, stops the generator instead of going unnoticed.
func TestGenerateRefusesBadOverrides(t *testing.T) {
	pluto := []byte("deprecated-versions:\n  - {version: policy/v1beta1, kind: PodDisruptionBudget, deprecated-in: v1.21.0, removed-in: v1.25.0, replacement-api: policy/v1, component: k8s}\n")
	meta := Meta{Source: "test", PlutoVersion: "v0", Date: "2026-01-02"}
	for name, c := range map[string]struct{ overrides, want string }{
		"typo":         {"- {api: policy/v1beta1, kinds: [PodDisruptionBuget], scan: false, why: x}", "Pluto does not list policy/v1beta1 PodDisruptionBuget"},
		"drop missing": {"- {api: policy/v1beta1, kinds: [Nope], drop: true, why: x}", "which Pluto does not list"},
		"no why":       {"- {api: policy/v1beta1, kinds: [PodDisruptionBudget], scan: false}", "api, kinds and why are required"},
		"no releases":  {"- {api: x.io/v1, kinds: [X], component: x, why: y}", "neither deprecatedIn nor removedIn"},
	} {
		_, err := Generate(pluto, []byte(c.overrides), meta)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	b, err := Generate(pluto, []byte("- {api: policy/v1beta1, kinds: [PodDisruptionBudget], scan: false, why: x}"), meta)
	if err != nil || !bytes.Contains(b, []byte(`- {group: policy, version: v1beta1, kinds: [PodDisruptionBudget], deprecatedIn: "1.21", removedIn: "1.25", replacement: policy/v1, component: kubernetes, scan: false}`)) {
		t.Errorf("generated %s, %v", b, err)
	}
}

// TestAddonRows: the add-ons Pluto lacks (overrides.yaml, read from each project's CRDs) stay
// in the table with their own releases, so a regeneration that loses or renumbers them fails.
func TestAddonRows(t *testing.T) {
	table, err := rules.ParseRemovedAPIs(out, read(t, out))
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]rules.RemovedAPI{}
	perComponent := map[string]int{}
	for _, r := range table {
		byKey[r.Group+"/"+r.Version+" "+r.Kinds[0]] = r
		perComponent[r.Component]++
	}
	for key, want := range map[string][5]string{ // component, deprecatedIn, removedIn, replacement, scanned
		"gateway.networking.k8s.io/v1alpha2 HTTPRoute":        {"gateway-api", "0.6", "0.8", "gateway.networking.k8s.io/v1", "true"},
		"gateway.networking.k8s.io/v1alpha2 ReferenceGrant":   {"gateway-api", "0.8", "1.1", "gateway.networking.k8s.io/v1beta1", "true"},
		"gateway.networking.k8s.io/v1alpha2 GRPCRoute":        {"gateway-api", "1.1", "1.2", "gateway.networking.k8s.io/v1", "true"},
		"gateway.networking.k8s.io/v1alpha3 BackendTLSPolicy": {"gateway-api", "1.4", "", "gateway.networking.k8s.io/v1", "true"},
		"gateway.networking.k8s.io/v1alpha2 TCPRoute":         {"gateway-api", "1.6", "", "gateway.networking.k8s.io/v1", "true"},
		"kustomize.toolkit.fluxcd.io/v1beta2 Kustomization":   {"flux", "2.0", "2.8", "kustomize.toolkit.fluxcd.io/v1", "true"},
		"source.toolkit.fluxcd.io/v1beta1 GitRepository":      {"flux", "2.0", "2.7", "source.toolkit.fluxcd.io/v1", "true"},
		"source.toolkit.fluxcd.io/v1beta2 HelmChart":          {"flux", "2.3", "2.8", "source.toolkit.fluxcd.io/v1", "false"},
		"helm.toolkit.fluxcd.io/v2beta1 HelmRelease":          {"flux", "2.2", "2.7", "helm.toolkit.fluxcd.io/v2", "true"},
		"notification.toolkit.fluxcd.io/v1beta2 Alert":        {"flux", "2.2", "2.9", "notification.toolkit.fluxcd.io/v1beta3", "true"},
		"image.toolkit.fluxcd.io/v1beta1 ImagePolicy":         {"flux", "", "2.7", "image.toolkit.fluxcd.io/v1", "true"},
	} {
		r, ok := byKey[key]
		if !ok {
			t.Errorf("no row %s", key)
			continue
		}
		got := [5]string{r.Component, r.DeprecatedIn, r.RemovedIn, r.Replacement, fmt.Sprint(r.Scanned())}
		if got != want {
			t.Errorf("%s: %v, want %v", key, got, want)
		}
	}
	// Whole families, so one lost override entry shows: Gateway API 21 rows, Flux 25.
	for comp, want := range map[string]int{"gateway-api": 21, "flux": 25} {
		if perComponent[comp] != want {
			t.Errorf("%d %s rows, want %d", perComponent[comp], comp, want)
		}
	}
}
