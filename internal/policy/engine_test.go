package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/format"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/rules"
)

// TestRegoUnitTests runs every _test.rego of the embedded rules.
func TestRegoUnitTests(t *testing.T) {
	res, err := RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) < 10 {
		t.Fatalf("found %d Rego tests, expected the embedded rules' tests (>= 10)", len(res))
	}
	for _, r := range res {
		if !r.Passed {
			t.Errorf("%s (%s): %s", r.Name, r.File, r.Output)
		}
	}
}

// TestEmbeddedRulesStrictAndFormatted is the Rego lint: strict compile and opa fmt.
func TestEmbeddedRulesStrictAndFormatted(t *testing.T) {
	if _, err := New(context.Background(), Options{Strict: true}); err != nil {
		t.Fatalf("strict compile: %v", err)
	}
	err := fsWalkRego(func(path string, src []byte) {
		want, err := format.SourceWithOpts(path, src, format.Opts{})
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		if string(want) != string(src) {
			t.Errorf("rules/%s is not opa-fmt formatted (run: make fmt-rego)", path)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fsWalkRego(fn func(path string, src []byte)) error {
	entries, err := rulesGlob()
	if err != nil {
		return err
	}
	for _, p := range entries {
		b, err := rules.FS.ReadFile(p)
		if err != nil {
			return err
		}
		fn(p, b)
	}
	return nil
}

func rulesGlob() ([]string, error) {
	return fsGlob("*/*.rego")
}

func TestEvaluateSkewFinding(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &facts.Cluster{
		SchemaVersion: facts.SchemaVersion, Name: "prod",
		Version: mustVersion(t, "v1.34.4"),
		Nodes: []facts.Node{
			{Name: "old", Ready: "True", KubeletVersion: mustVersion(t, "v1.30.9")},
			{Name: "ok", Ready: "True", KubeletVersion: mustVersion(t, "v1.34.4")},
		},
	}
	fs, err := e.Evaluate(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %d: %+v", len(fs), fs)
	}
	f := fs[0]
	if f.RuleID != "FA-UPG-001" || f.Severity != SeverityHigh || f.Category != "upgrade" ||
		f.Kind != "deny" || f.Resource != (ResourceRef{APIVersion: "v1", Kind: "Node", Name: "old"}) || f.Cluster != "prod" || f.Title != "Kubelet and kube-proxy version skew" {
		t.Errorf("finding metadata wrong: %+v", f)
	}
	if !strings.Contains(f.Remediation, "Upgrade the kubelet") || len(f.References) == 0 {
		t.Errorf("remediation/references not read from METADATA: %+v", f)
	}
}

func TestParamsOverrideChangesOutcome(t *testing.T) {
	c := &facts.Cluster{Name: "c", Version: mustVersion(t, "v1.34.0"),
		Nodes: []facts.Node{{Name: "n", Ready: "True", KubeletVersion: mustVersion(t, "v1.33.0")}}}
	e, err := New(context.Background(), Options{Params: map[string]any{"kubelet_skew": map[string]any{"max_minor_behind": 0}}})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID != "FA-UPG-001" {
		t.Fatalf("max_minor_behind=0 should deny a kubelet one minor behind, got %+v", fs)
	}
}

func TestUserRulesBadInput(t *testing.T) {
	cases := []struct {
		name, file, src, wantErr string
	}{
		{"syntax error", "bad.rego", "package x\n\ndeny contains f if {\n  f := \n}\n", "bad.rego:5: rego_parse_error"},
		{"missing metadata", "nometa.rego", "package x\n\ndeny contains {\"msg\": \"m\", \"resource\": \"r\"} if true\n", "custom.id is missing"},
		{"bad severity", "sev.rego", "# METADATA\n# title: T\n# custom:\n#   id: U-1\n#   severity: huge\n#   category: cost\npackage y\n\ndeny contains {\"msg\": \"m\", \"resource\": \"r\"} if true\n", `severity "huge"`},
		{"duplicate id", "dup.rego", "# METADATA\n# title: T\n# custom:\n#   id: FA-UPG-001\n#   severity: low\n#   category: cost\npackage z\n\ndeny contains {\"msg\": \"m\", \"resource\": \"r\"} if true\n", `"FA-UPG-001" is also used`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := New(context.Background(), Options{Dirs: []string{dir}})
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line and contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestUserRuleEvaluated(t *testing.T) {
	dir := t.TempDir()
	src := `# METADATA
# title: Too few nodes
# custom:
#   id: USER-001
#   severity: medium
#   category: upgrade
package user.min_nodes

deny contains {"msg": sprintf("only %d nodes", [count(input.cluster.nodes)]), "resource": "cluster"} if {
	count(input.cluster.nodes) < 2
}
`
	if err := os.WriteFile(filepath.Join(dir, "min_nodes.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := New(context.Background(), Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), &facts.Cluster{Name: "c", Version: mustVersion(t, "v1.34.0"), Nodes: []facts.Node{{Name: "a", Ready: "True"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID != "USER-001" || fs[0].Message != "only 1 nodes" || fs[0].Severity != SeverityMedium {
		t.Fatalf("user rule not evaluated as expected: %+v", fs)
	}
}

func mustVersion(t *testing.T, s string) *facts.Version {
	t.Helper()
	v, err := facts.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
