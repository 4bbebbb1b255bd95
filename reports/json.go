package reports

import (
	"encoding/json"
	"io"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// JSONSchemaVersion identifies the layout of the JSON audit output.
const JSONSchemaVersion = "fleetaudit.io/audit/v1alpha1"

type jsonAudit struct {
	SchemaVersion string `json:"schemaVersion"`
	*fleet.Audit
}

// JSON writes the audit as an indented JSON document (schema: docs/output.md).
func JSON(w io.Writer, a *fleet.Audit) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonAudit{SchemaVersion: JSONSchemaVersion, Audit: a})
}
