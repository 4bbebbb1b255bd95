package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/config.schema.json from the flags")

// TestConfigSchemaUpToDate: docs/config.schema.json is generated from the flags; a flag
// added, renamed or given new values without regenerating it fails here (make generate).
func TestConfigSchemaUpToDate(t *testing.T) {
	keys := configKeys(newRootCmd(&cli{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard}))
	want, err := configSchema(keys)
	if err != nil {
		t.Fatal(err)
	}
	path := "../../" + schemaPath
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is out of date with the flags; run make generate (go test ./cmd/fleetaudit -run TestConfigSchema -update)", schemaPath)
	}
	var doc struct {
		AdditionalProperties bool                      `json:"additionalProperties"`
		Properties           map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.AdditionalProperties || len(doc.Properties) != len(keys) {
		t.Errorf("schema allows unknown keys or has %d properties for %d keys", len(doc.Properties), len(keys))
	}
	for name, want := range map[string]string{
		"workers": `{"default":8,"description":"clusters audited in parallel","minimum":1,"type":"integer"}`,
		"qps":     `"exclusiveMinimum":0`,
		"jitter":  `"maximum":1,"minimum":0`,
		"fail-on": `"enum":["info","low","medium","high","critical","none"]`,
		"context": `"items":{"type":"string"},"type":["array","string"]`,
		"timeout": `"default":"1m0s"`,
		"format":  `"items":{"enum":["json","yaml","html","md","junit","csv","policyreport","openreports","sarif"]}`,
	} {
		b, _ := json.Marshal(doc.Properties[name])
		if !strings.Contains(string(b), want) {
			t.Errorf("schema of %s: %s lacks %s", name, b, want)
		}
	}
	for _, name := range perInvocationFlags {
		if _, ok := doc.Properties[name]; ok {
			t.Errorf("per-invocation flag %s is in the schema", name)
		}
	}
}
