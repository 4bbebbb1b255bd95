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
	field := func(f jsonField, last bool) error {
		b, err := json.MarshalIndent(f.v, "  ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString("  \"" + f.name + "\": ")
		bw.Write(b)
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		return nil
	}
	bw.WriteString("{\n")
	for _, f := range []jsonField{{"schemaVersion", r.SchemaVersion}, {"generatedAt", r.GeneratedAt}, {"summary", r.Summary}, {"rules", r.Rules}} {
		if err := field(f, false); err != nil {
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
	bw.WriteString("]")
	tail := r.optionalFields()
	if len(tail) > 0 {
		bw.WriteString(",")
	}
	bw.WriteString("\n")
	for i, f := range tail {
		if err := field(f, i == len(tail)-1); err != nil {
			return err
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// jsonField is one top-level field of the report document.
type jsonField struct {
	name string
	v    any
}

// optionalFields are the fields after the clusters (controls, then those the report has), in the order of
// the Report struct (so the stream is the document encoding/json gives).
func (r *Report) optionalFields() []jsonField {
	controls := r.Controls
	if controls == nil {
		controls = []ControlResult{}
	}
	out := []jsonField{{"controls", controls}} // always present
	if r.Changes != nil {
		out = append(out, jsonField{"changes", r.Changes})
	}
	if r.Waivers != nil {
		out = append(out, jsonField{"waivers", r.Waivers})
	}
	if r.Baseline != nil {
		out = append(out, jsonField{"baseline", r.Baseline})
	}
	if len(r.NextExpiring) > 0 {
		out = append(out, jsonField{"nextExpiring", r.NextExpiring})
	}
	if r.Shards != nil {
		out = append(out, jsonField{"shards", r.Shards})
	}
	return out
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
