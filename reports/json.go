package reports

import (
	"bufio"
	"encoding/json"
	"io"

	"sigs.k8s.io/yaml"
)

// JSON writes the report as indented JSON (schema: docs/report.md). Clusters are encoded one
// at a time, so a large fleet's output is never held in memory twice.
func JSON(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	field := func(name string, v any, last bool) error {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString("  \"" + name + "\": ")
		bw.Write(b)
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		return nil
	}
	bw.WriteString("{\n")
	for _, f := range []struct {
		name string
		v    any
	}{{"schemaVersion", r.SchemaVersion}, {"generatedAt", r.GeneratedAt}, {"summary", r.Summary}, {"rules", r.Rules}} {
		if err := field(f.name, f.v, false); err != nil {
			return err
		}
	}
	bw.WriteString("  \"clusters\": [")
	for i, c := range r.Clusters {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		b, err := json.MarshalIndent(c, "    ", "  ")
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	if len(r.Clusters) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n")
	controls := r.Controls
	if controls == nil {
		controls = []ControlResult{}
	}
	if err := field("controls", controls, r.Changes == nil); err != nil {
		return err
	}
	if r.Changes != nil {
		if err := field("changes", r.Changes, true); err != nil {
			return err
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// YAML writes the report as YAML: the JSON document's fields, in YAML.
func YAML(w io.Writer, r *Report) error {
	b, err := yaml.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
