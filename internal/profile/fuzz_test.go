package profile

import "testing"

// FuzzParse: no file makes profile parsing panic, as a single profile or as a catalog
// document; a profile that parses is valid and turns into rule input.
// Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte("apiVersion: fleetaudit.io/v1alpha1\nkind: ClusterProfile\nmetadata: {name: web}\nspec:\n  version: 1.0.0\n  kubernetesVersion: v1.33.1\n  selector: {clusters: [\"*\"]}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse("p.yaml", b)
		if err == nil {
			if errs := p.Validate(); len(errs) > 0 {
				t.Fatalf("parsed but invalid: %v", errs)
			}
			if _, err := p.Input(); err != nil {
				t.Fatalf("parsed but not rule input: %v", err)
			}
		}
		if cp, problems := parseCatalogDocument("p.yaml", b); (cp == nil) == (len(problems) == 0) {
			t.Fatalf("catalog document: profile %v with problems %v", cp, problems)
		}
	})
}
