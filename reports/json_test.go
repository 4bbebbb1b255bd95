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
// encoding of the report gives, with and without changes.
func TestJSONStreamsTheSameDocument(t *testing.T) {
	at := time.Unix(1800000000, 0).UTC()
	for i, a := range []*fleet.Audit{
		{GeneratedAt: at, Clusters: []fleet.Result{}},
		{GeneratedAt: at, Clusters: []fleet.Result{
			{Cluster: "a", Status: "ok", Findings: []policy.Finding{{RuleID: "X", Message: "<b>&",
				Resource: policy.ResourceRef{APIVersion: "v1", Kind: "Node", Name: "n1"}}}},
			{Cluster: "b", Status: "failed", Problem: "refused"},
		}},
	} {
		r := Build(a, nil, nil, nil, "", at)
		if i == 1 {
			r.Diff(&Report{GeneratedAt: at.Add(-time.Hour)})
			r.NextExpiring = []ExpiringCertificate{{Cluster: "a", Source: "webhook-ca", NotAfter: at.Add(72 * time.Hour), DaysLeft: 3,
				Resource: policy.ResourceRef{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration", Name: "v", FieldPath: "spec.caBundle"}}}
		}
		var got bytes.Buffer
		if err := JSON(&got, r); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("streamed JSON differs:\n%s\nwant:\n%s", got.String(), want.String())
		}
		if bytes.Contains(got.Bytes(), []byte("null")) {
			t.Errorf("an empty list or map is null in:\n%s", got.String())
		}
	}
}
