package reports

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// TestJSONStreamsTheSameDocument: the streamed output is the document a plain indented
// encoding of the audit gives.
func TestJSONStreamsTheSameDocument(t *testing.T) {
	for _, a := range []*fleet.Audit{
		{GeneratedAt: time.Unix(1800000000, 0).UTC(), Clusters: []fleet.Result{}},
		{GeneratedAt: time.Unix(1800000000, 0).UTC(), Clusters: []fleet.Result{
			{Cluster: "a", Status: "ok", Findings: []policy.Finding{{RuleID: "X", Message: "<b>&"}}},
			{Cluster: "b", Status: "failed", Problem: "refused", Findings: []policy.Finding{}},
		}},
	} {
		var got bytes.Buffer
		if err := JSON(&got, a); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			SchemaVersion string `json:"schemaVersion"`
			*fleet.Audit
		}{JSONSchemaVersion, a}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("streamed JSON differs:\n%s\nwant:\n%s", got.String(), want.String())
		}
	}
}
