package main

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/profile"
)

const exampleCatalog = "../../examples/profiles"

func TestProfileValidateCatalog(t *testing.T) {
	code, out, errOut := runCLI(t, "profile", "validate", exampleCatalog)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"edge is valid: 1 version (1.0.0-rc.1); latest 1.0.0-rc.1 targets Kubernetes v1.35.0 with 1 layer\n",
		"platform-standard is valid: 3 versions (3.1.0, 3.2.0, 3.3.0); latest 3.3.0 targets Kubernetes v1.35.0 with 4 layers\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
	// The FA-UPG-008 demo range of platform-1.34.yaml is a warning: exit 0, but said.
	if want := `warning: ../../examples/profiles/platform-1.34.yaml: spec.layers[name=ingress-nginx].kubernetes: ">=1.28.0 <1.34.0" excludes the profile's own Kubernetes v1.34.2`; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr lacks the warning %q:\n%s", want, errOut)
	}
	code, out, errOut = runCLI(t, "profile", "validate", "--strict", "-o", "json", exampleCatalog)
	var res validateResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not the JSON result: %v\n%s", err, out)
	}
	if code != exitUsage || res.Valid || len(res.Errors) != 1 || res.Errors[0].Field != "spec.layers[name=ingress-nginx].kubernetes" ||
		errOut != "fleetaudit profile validate: 1 problem in the profile catalog\n" {
		t.Errorf("--strict: exit %d, %+v, stderr %q", code, res, errOut)
	}
}

func TestProfileValidateListsEveryError(t *testing.T) {
	fixtures := "../../internal/profile/testdata/"
	code, out, errOut := runCLI(t, "profile", "validate", fixtures+"catalog-dup", fixtures+"catalog-unordered", fixtures+"catalog-not-profile/bindings.yaml")
	if code != exitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		"fleetaudit profile validate: 3 problems in the profile catalog:\n",
		"\n  " + fixtures + "catalog-not-profile/bindings.yaml: kind: the file holds a Bindings",
		"\n  " + fixtures + "catalog-dup/b.yaml: spec.version: web@1.0.0 is also defined in " + fixtures + "catalog-dup/a.yaml",
		"\n  " + fixtures + "catalog-unordered/web-3.3.yaml: spec.kubernetesVersion: web@3.3.0 targets Kubernetes v1.33.5, an older minor than the older web@3.2.0 (v1.34.2, in " + fixtures + "catalog-unordered/web-3.2.yaml)",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	code, _, errOut = runCLI(t, "profile", "validate", filepath.Join(t.TempDir(), "nothing"))
	if code != exitUsage || !strings.Contains(errOut, "nothing: does not exist") {
		t.Errorf("missing path: exit %d, %s", code, errOut)
	}
}

func TestProfileList(t *testing.T) {
	code, out, errOut := runCLI(t, "profile", "list", exampleCatalog)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "NAME VERSIONS LATEST KUBERNETES LAYERS" ||
		strings.Join(strings.Fields(lines[2]), " ") != "platform-standard 3 3.3.0 v1.35.0 cilium,ebs-csi,ingress-nginx,cert-manager" {
		t.Errorf("list table:\n%s", out)
	}
	// --catalog, a config file, $FLEETAUDIT_CATALOG and YAML give the same rows.
	config := filepath.Join(t.TempDir(), "config.yaml")
	write(t, config, "catalog: "+exampleCatalog+"\n")
	for _, c := range []struct{ env, args []string }{
		{nil, []string{"--catalog", exampleCatalog, "-o", "json"}},
		{nil, []string{"--config", config, "-o", "json"}},
		{[]string{exampleCatalog}, []string{"-o", "yaml"}},
	} {
		t.Setenv(catalogEnv, strings.Join(c.env, ""))
		args := c.args
		code, out, errOut = runCLI(t, append([]string{"profile", "list"}, args...)...)
		var rows []profileSummary
		if err := yaml.Unmarshal([]byte(out), &rows); code != exitOK || err != nil {
			t.Fatalf("%v: exit %d, %v, %s", args, code, err, errOut)
		}
		if len(rows) != 2 || rows[1].Name != "platform-standard" || strings.Join(rows[1].Versions, " ") != "3.1.0 3.2.0 3.3.0" ||
			rows[1].Latest != "3.3.0" || rows[1].KubernetesVersion != "v1.35.0" || !strings.HasSuffix(rows[1].File, "platform-1.35.yaml") {
			t.Errorf("%v: rows %+v", args, rows)
		}
	}
}

func TestProfileCatalogRequired(t *testing.T) {
	t.Setenv(catalogEnv, "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"profile", "list"}, "no catalog: give --catalog DIR (a folder of ClusterProfile files) or set $FLEETAUDIT_CATALOG"},
		{[]string{"profile", "history", "platform-standard"}, "no catalog"},
		{[]string{"profile", "list", "missing-dir", "--catalog", exampleCatalog}, "missing-dir: does not exist"}, // the argument wins
		{[]string{"profile", "history", "nope", "--catalog", exampleCatalog}, `no profile "nope" in the catalog (it holds edge, platform-standard)`},
		{[]string{"profile", "history", "platform-standard@3.2.0", "--catalog", exampleCatalog}, "history takes a profile name"},
		{[]string{"profile", "diff", "platform-standard@3.2.0", "platform-standard@9.0.0", "--catalog", exampleCatalog}, "no version 9.0.0 of profile platform-standard in the catalog (it holds 3.1.0, 3.2.0, 3.3.0)"},
		{[]string{"profile", "diff", "platform-standard@3.2.0", "--catalog", exampleCatalog}, "accepts 2 arg(s)"},
		{[]string{"profile", "list", "../../internal/profile/testdata/catalog-dup"}, "catalog-dup/b.yaml: spec.version: web@1.0.0 is also defined"},
	} {
		code, out, errOut := runCLI(t, c.args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

func TestProfileHistory(t *testing.T) {
	code, out, errOut := runCLI(t, "profile", "history", "platform-standard", "--catalog", exampleCatalog)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 versions:\n%s", out)
	}
	for i, want := range []string{
		"3.1.0 v1.33.5 ../../examples/profiles/platform-1.33.yaml first version",
		"3.2.0 v1.34.2 ../../examples/profiles/platform-1.34.yaml Kubernetes v1.33.5 → v1.34.2; layers ~cilium 1.17.6 → 1.18.2, ~ebs-csi 2.40.0 → 2.45.0, ~ingress-nginx 4.12.1 → 4.13.0; requirements minCompliance.rbac",
		"3.3.0 v1.35.0 ../../examples/profiles/platform-1.35.yaml Kubernetes v1.34.2 → v1.35.0; layers +cert-manager, ~cilium 1.18.2 → 1.19.1",
	} {
		if got := strings.Join(strings.Fields(lines[i+1]), " "); !strings.HasPrefix(got, want) {
			t.Errorf("row %d:\n  %s\nwant it to start with\n  %s", i+1, got, want)
		}
	}
	code, out, _ = runCLI(t, "profile", "history", "platform-standard", "--catalog", exampleCatalog, "-o", "json")
	var h history
	if err := json.Unmarshal([]byte(out), &h); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if h.Profile != "platform-standard" || len(h.Versions) != 3 || h.Versions[0].Diff != nil ||
		h.Versions[2].Diff == nil || h.Versions[2].Diff.From != "platform-standard@3.2.0" || h.Versions[2].Diff.Kubernetes.To != "v1.35.0" {
		t.Errorf("history JSON: %+v", h)
	}
}

func TestProfileDiff(t *testing.T) {
	code, out, errOut := runCLI(t, "profile", "diff", "platform-standard@3.2.0", "platform-standard@3.3.0", "--catalog", exampleCatalog)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		rows = append(rows, strings.Join(strings.Fields(l), " "))
	}
	got := strings.Join(rows, "\n")
	for _, want := range []string{
		"platform-standard@3.2.0 → platform-standard@3.3.0: Kubernetes v1.34.2 → v1.35.0; layers +cert-manager, ~cilium 1.18.2 → 1.19.1",
		"\nkubernetes - kubernetesVersion v1.34.2 v1.35.0\n",
		"\nlayer added cert-manager - - addon cert-manager v1.19.1 for >=1.31.0\n",
		"\nlayer changed cilium chart.version 1.18.2 1.19.1\nlayer changed cilium kubernetes >=1.30.0 <1.35.0 >=1.31.0 <1.36.0\n",
		"\nlayer changed ingress-nginx kubernetes >=1.28.0 <1.34.0 >=1.30.0 <1.36.0\n",
		"\nrequirement - minCompliance.rbac 0.75 0.8\nrequirement - monthlyBudget 500 550\nrequirement - maxFactsAge 1h 30m\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diff table lacks %q:\n%s", want, out)
		}
	}
	// A name alone is its newest version; a two-minor move is flagged.
	code, out, _ = runCLI(t, "profile", "diff", "platform-standard@3.1.0", "platform-standard", "--catalog", exampleCatalog, "-o", "json")
	var d profile.Diff
	if err := json.Unmarshal([]byte(out), &d); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if d.To != "platform-standard@3.3.0" || d.Kubernetes == nil || d.Kubernetes.Minors != 2 || !d.Kubernetes.SkipsMinors ||
		len(d.LayersAdded) != 1 || d.LayersAdded[0].Name != "cert-manager" || len(d.LayersRemoved) != 0 || len(d.LayersChanged) != 3 {
		t.Errorf("diff JSON: %+v", d)
	}
	code, out, _ = runCLI(t, "profile", "diff", "platform-standard@3.2.0", "platform-standard@3.2.0", "--catalog", exampleCatalog)
	if code != exitOK || out != "platform-standard@3.2.0 → platform-standard@3.2.0: no change\n" {
		t.Errorf("same version: %d %q", code, out)
	}
}

// TestAuditShowsProfileState: every bound demo cluster says which version it is held to, which
// it runs (from its facts, and from the gate's decision history when the facts fit several
// versions), and that an update is available, in the table, the JSON and the summary.
func TestAuditShowsProfileState(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--demo", "-o", "json")
	if code == exitUsage {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	r := decodeAudit(t, out)
	got := map[string]string{}
	for _, c := range r.Clusters {
		if c.Profile == nil {
			t.Fatalf("%s has no profile state", c.Name)
		}
		got[c.Name] = c.Profile.HeldTo + "|" + c.Profile.Runs + "|" + c.Profile.Newest + "|" + strconv.FormatBool(c.Profile.UpdateAvailable)
	}
	want := map[string]string{
		// ingress-nginx 4.11.3 instead of the profile's 4.12.1: drifted, runs no version.
		"prod-eu-west":    "platform-standard@3.1.0||platform-standard@3.3.0|true",
		"prod-us-central": "platform-standard@3.2.0|platform-standard@3.2.0|platform-standard@3.3.0|true",
		// 1.32: the catalog has no version for its minor.
		"staging-eastus": "||platform-standard@3.3.0|false",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	if r.Summary.UpdatesAvailable != 2 {
		t.Errorf("summary.updatesAvailable = %d, want 2", r.Summary.UpdatesAvailable)
	}
	_, table, _ := runCLI(t, "audit", "--demo")
	if !strings.Contains(table, "  profile: held to platform-standard@3.2.0, runs platform-standard@3.2.0, update available: platform-standard@3.3.0\n") {
		t.Errorf("table lacks the profile line of prod-us-central:\n%s", table)
	}

	// The gate's history (serve --decision-dir) names the last allowed move.
	dir := t.TempDir()
	write(t, filepath.Join(dir, "prod-us-central.jsonl"),
		`{"time":"2026-11-30T08:00:00Z","cluster":"prod-us-central","object":"Cluster capi-prod/us-central","source":"webhook","profile":"platform-standard@3.2.0","targetVersion":"v1.34.2","allowed":true,"reasons":[]}`+"\n"+
			`{"time":"2026-12-01T08:00:00Z","cluster":"prod-us-central","object":"Cluster capi-prod/us-central","source":"webhook","profile":"platform-standard@3.3.0","targetVersion":"v1.35.0","allowed":false,"reasons":["x"]}`+"\n")
	_, out, errOut = runCLI(t, "audit", "--demo", "-o", "json", "--decision-dir", dir)
	for _, c := range decodeAudit(t, out).Clusters {
		if c.Name != "prod-us-central" {
			continue
		}
		if m := c.Profile.LastMove; m == nil || m.Profile != "platform-standard@3.2.0" || c.Profile.RunsFrom != "facts+history" {
			t.Errorf("decision history not used: %+v (%s)", c.Profile, errOut)
		}
	}
	if code, _, errOut := runCLI(t, "audit", "--demo", "--decision-dir", filepath.Join(dir, "missing")); code != exitUsage || !strings.Contains(errOut, "give the folder serve --decision-dir writes") {
		t.Errorf("missing history folder: exit %d %s", code, errOut)
	}
}

// TestMultiDocumentProfileIsRefused: a profile file holds one ClusterProfile (a catalog keeps
// each version in a file of its own), so a second document is an error on every command that
// reads profiles, never silently ignored.
func TestMultiDocumentProfileIsRefused(t *testing.T) {
	f := "../../internal/profile/testdata/catalog-multi-doc/web.yaml"
	want := f + ":10: a second YAML document; this file must hold exactly one: put each document in a file of its own"
	for _, args := range [][]string{
		{"gate", "--profile", f, "--demo"},
		{"report", "--output-dir", t.TempDir(), "--profile", f, "--demo"},
		{"profile", "validate", f},
		{"plan", "web", "--catalog", f, "--demo"},
		{"serve", "--profile", f, "--demo", "--listen", "127.0.0.1:0"},
	} {
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stderr %s", args[0], code, errOut)
		}
	}
}
