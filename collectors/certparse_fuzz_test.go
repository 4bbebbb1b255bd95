package collectors

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// FuzzParseBundle: no caBundle, ConfigMap ca.crt or client certificate file makes parsing
// panic; every item keeps where the bundle is, is either a certificate (with its validity)
// or a bounded, printable parse error, and the facts encode as JSON.
// Seeds: testdata/fuzz/FuzzParseBundle (certificates, a chain, a private key, DER, garbage).
func FuzzParseBundle(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("not a bundle"))
	f.Fuzz(func(t *testing.T, data []byte) {
		at := facts.Certificate{Source: "webhook-ca", Kind: "ValidatingWebhookConfiguration", Name: "v", Field: "webhooks[name=w].clientConfig.caBundle"}
		items := ParseBundle(data, at)
		for i, c := range items {
			if c.Index != i || c.Source != at.Source || c.Kind != at.Kind || c.Name != at.Name || c.Field != at.Field {
				t.Fatalf("item %d lost its place: %+v", i, c)
			}
			if (c.ParseError == "") == (c.NotAfter == nil) || (c.NotAfter == nil) != (c.NotBefore == nil) {
				t.Fatalf("item %d is neither a certificate nor an error: %+v", i, c)
			}
			if len(c.ParseError) > 2*maxNameLen || !utf8.ValidString(c.ParseError) || !utf8.ValidString(c.SubjectCN) || !utf8.ValidString(c.IssuerCN) {
				t.Fatalf("item %d has an unbounded or invalid text: %+v", i, c)
			}
		}
		if _, err := json.Marshal(items); err != nil {
			t.Fatal(err)
		}
	})
}
