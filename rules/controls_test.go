package rules

import (
	"strings"
	"testing"
)

func TestControlCatalog(t *testing.T) {
	c := Controls()
	var names []string
	for _, fw := range c.Frameworks {
		names = append(names, fw.Name)
	}
	if got := strings.Join(names, ","); got != "CIS,NSA,PSS,FinOps,K8s" {
		t.Fatalf("frameworks %s", got)
	}
	if d, known, ok := c.Lookup("CIS", "5.2.2"); !known || !ok || d.Title != "Minimize the admission of privileged containers" || d.Section != "5.2 Pod Security Standards" {
		t.Errorf("CIS 5.2.2 = %+v %v %v", d, known, ok)
	}
	if _, known, ok := c.Lookup("CIS", "9.9.9"); !known || ok {
		t.Error("CIS 9.9.9 found")
	}
	if _, known, _ := c.Lookup("SOC2", "x"); known {
		t.Error("SOC2 known")
	}
	if n := len(c.Framework("PSS").Controls); n != 17 {
		t.Errorf("PSS has %d controls, want the 11 baseline + 6 restricted", n)
	}
	if c.Order("CIS", "5.1.10") <= c.Order("CIS", "5.1.9") {
		t.Error("CIS ids not in numeric order")
	}
}

func TestParseCatalogErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"frameworks:\n  - name: X\n    title: t\n    source: s\n    controls:\n      - {id: a, title: A}\n      - {id: a, title: B}\n", "control a is listed twice"},
		{"name: X\ntitle: t\nsource: s\ncontrols:\n  - {id: a}\n", "needs an id and a title"},
		{"name: X\ntitle: t\nsource: s\ncontrols:\n  - {id: a, title: A, tilte: B}\n", "tilte"},
	} {
		if _, err := ParseCatalog(map[string][]byte{"c.yaml": []byte(tc.doc)}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.doc, err, tc.want)
		}
	}
}
