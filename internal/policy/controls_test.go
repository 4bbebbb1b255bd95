package policy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/rules"
)

// TestEveryEmbeddedRuleCitesCatalogControls: each embedded rule declares the controls it
// evidences, and each control of a catalog framework exists there (the loader refuses others).
func TestEveryEmbeddedRuleCitesCatalogControls(t *testing.T) {
	e, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cat := rules.Controls()
	for _, r := range e.Rules() {
		if len(r.Controls) == 0 {
			t.Errorf("rule %s (%s) declares no custom.controls", r.ID, r.File)
		}
		for _, c := range r.Controls {
			if _, known, ok := cat.Lookup(c.Framework, c.ID); !known || !ok {
				t.Errorf("rule %s cites %s, which is not in the control catalog", r.ID, c)
			}
			if c.Framework == "CIS" && c.Version != "cis-1.12" {
				t.Errorf("rule %s cites %s without version cis-1.12 (the catalog's numbering)", r.ID, c)
			}
		}
	}
}

// TestUnknownCatalogControlIsALoadError: a typo in a catalog framework's id is refused with
// the rule's file and how to fix it; a framework the catalog does not know is free-form.
func TestUnknownCatalogControlIsALoadError(t *testing.T) {
	rule := func(controls string) string {
		return "# METADATA\n# title: T\n# custom:\n#   id: U-1\n#   severity: high\n#   category: compliance\n" +
			"#   controls: " + controls + "\npackage u\n\ndeny contains {\"msg\": \"m\", \"resource\": {\"kind\": \"Node\", \"name\": \"n\"}} if false\n"
	}
	for _, tc := range []struct{ controls, wantErr string }{
		{`[{framework: CIS, id: "5.2.99"}]`, `CIS has no control "5.2.99"`},
		{`[{framework: PSS, id: "baseline/privileged-containers"}]`, `PSS has no control "baseline/privileged-containers"`},
		{`[{framework: SOC2, id: "CC6.1"}]`, ""},
		{`[{framework: NSA, id: "pod-non-root"}]`, ""},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "u.rego"), []byte(rule(tc.controls)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}})
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.controls, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "u.rego")):
			t.Errorf("%s: error %v, want %q naming u.rego", tc.controls, err, tc.wantErr)
		}
	}
}

// TestRulesDocListsEveryRuleWithItsControls: docs/rules.md has a table row for every embedded
// rule, naming each control the rule cites.
func TestRulesDocListsEveryRuleWithItsControls(t *testing.T) {
	doc, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		if cells := strings.Split(line, "|"); len(cells) > 2 && strings.HasPrefix(strings.TrimSpace(cells[1]), "FA-") {
			rows[strings.TrimSpace(cells[1])] = line
		}
	}
	e, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Rules() {
		row, ok := rows[r.ID]
		if !ok {
			t.Errorf("docs/rules.md has no row for %s (%s)", r.ID, r.Title)
			continue
		}
		for _, c := range r.Controls {
			if !strings.Contains(row, c.Framework+" ") || !containsToken(row, c.ID) {
				t.Errorf("docs/rules.md row of %s does not name %s", r.ID, c)
			}
		}
	}
}

// containsToken reports whether id occurs in s not as part of a longer id.
func containsToken(s, id string) bool {
	part := func(b byte) bool {
		return b == '.' || b == '-' || b == '/' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; ; {
		j := strings.Index(s[i:], id)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(id)
		if (j == 0 || !part(s[j-1])) && (end == len(s) || !part(s[end]) || s[end] == '.' && (end+1 == len(s) || !part(s[end+1]))) {
			return true
		}
		i = j + 1
	}
}
