package rules

import (
	"strings"
	"testing"
)

func TestEmbeddedRemovedAPIsParse(t *testing.T) {
	table, err := RemovedAPIs()
	if err != nil {
		t.Fatal(err)
	}
	if len(table) < 80 {
		t.Errorf("%d rows", len(table))
	}
}

// TestRemovedAPIsOldShape: a --removed-apis file written for the table before components
// (no component, no deprecatedIn) still loads, as Kubernetes APIs.
func TestRemovedAPIsOldShape(t *testing.T) {
	got, err := ParseRemovedAPIs("extra.yaml", []byte(`- {group: example.io, version: v1beta1, kinds: [Widget], removedIn: "1.35", replacement: example.io/v1}`))
	if err != nil || len(got) != 1 || !got[0].Kubernetes() || got[0].Component != ComponentKubernetes || got[0].RemovedIn != "1.35" {
		t.Fatalf("%+v, %v", got, err)
	}
	got, err = ParseRemovedAPIs("extra.yaml", []byte(`- {group: gateway.networking.k8s.io, version: v1alpha2, kinds: [HTTPRoute], deprecatedIn: "1.0", replacement: gateway.networking.k8s.io/v1, component: gateway-api}`))
	if err != nil || got[0].Kubernetes() || got[0].RemovedIn != "" {
		t.Fatalf("deprecated-only add-on row: %+v, %v", got, err)
	}
}

// TestRemovedAPIsErrorsNameFileAndLine: each refusal names the file, the line of the entry or
// field, and what to write instead.
func TestRemovedAPIsErrorsNameFileAndLine(t *testing.T) {
	head := "- {group: a.io, version: v1, kinds: [A], removedIn: \"1.30\", replacement: a.io/v2}\n"
	for name, c := range map[string]struct{ doc, want string }{
		"no kinds":         {head + "- {group: b.io, version: v1, removedIn: \"1.30\"}\n", `extra.yaml:2: entry 2: version and kinds are required`},
		"no releases":      {head + "- {group: b.io, version: v1, kinds: [B], replacement: b.io/v2}\n", `extra.yaml:2: entry 2 (b.io/v1): give deprecatedIn, removedIn or both`},
		"kubernetes patch": {head + "- group: b.io\n  version: v1\n  kinds: [B]\n  removedIn: \"1.30.1\"\n", `extra.yaml:5: entry 2 (b.io/v1): removedIn "1.30.1" is not a Kubernetes minor such as "1.25"`},
		"add-on version":   {head + "- group: b.io\n  version: v1\n  kinds: [B]\n  component: cert-manager\n  deprecatedIn: one\n", `extra.yaml:6: entry 2 (b.io/v1 (cert-manager)): deprecatedIn "one" is not a cert-manager release such as "1.6" or "1.6.2"`},
		"order":            {head + "- group: b.io\n  version: v1\n  kinds: [B]\n  deprecatedIn: \"1.31\"\n  removedIn: \"1.30\"\n", `extra.yaml:5: entry 2 (b.io/v1): deprecatedIn 1.31 is after removedIn 1.30`},
		"add-on order":     {head + "- {group: b.io, version: v1, kinds: [B], component: x, deprecatedIn: \"1.10\", removedIn: \"1.9\"}\n", `extra.yaml:2: entry 2 (b.io/v1 (x)): deprecatedIn 1.10 is after removedIn 1.9`},
		"unknown field":    {head + "- {group: b.io, version: v1, kinds: [B], removedin: \"1.30\"}\n", `extra.yaml:2: unknown field`},
	} {
		_, err := ParseRemovedAPIs("extra.yaml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}
