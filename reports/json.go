package reports

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// JSONSchemaVersion identifies the layout of the JSON audit output.
const JSONSchemaVersion = "fleetaudit.io/audit/v1alpha1"

// JSON writes the audit as an indented JSON document (schema: docs/output.md). Clusters are
// encoded one at a time, so a large fleet's output is never held in memory twice.
func JSON(w io.Writer, a *fleet.Audit) error {
	bw := bufio.NewWriter(w)
	at, err := json.Marshal(a.GeneratedAt)
	if err != nil {
		return err
	}
	schema, _ := json.Marshal(JSONSchemaVersion)
	bw.WriteString("{\n  \"schemaVersion\": ")
	bw.Write(schema)
	bw.WriteString(",\n  \"generatedAt\": ")
	bw.Write(at)
	bw.WriteString(",\n  \"clusters\": [")
	for i, c := range a.Clusters {
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
	if len(a.Clusters) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}
