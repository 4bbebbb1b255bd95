package main

import (
	"bytes"
	"os"
	"testing"
)

// TestCatalogIsCurrent: rules/controls_cis.yaml is what the generator writes from the
// kube-bench module go.mod pins (after a kube-bench bump, run go run ./hack/controlcatalog).
func TestCatalogIsCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../" + out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date: run go run ./hack/controlcatalog", out)
	}
	if !bytes.Contains(want, []byte(`id: "5.2.2"`)) {
		t.Fatal("generated catalog lacks CIS 5.2.2")
	}
}
