package collectors

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"testing"
)

// FuzzParseKubeBenchJSON: no kube-bench output (a node's pod log, a results file) makes
// parsing or flattening it panic. Seeds: testdata/fuzz/FuzzParseKubeBenchJSON.
func FuzzParseKubeBenchJSON(f *testing.F) {
	f.Add([]byte(`{"Controls": [{"id": "1", "version": "cis-1.12", "type": "master", "tests": [{"section": "1.1", "results": [{"test_number": "1.1.1", "status": "PASS", "scored": true}]}]}]}`))
	f.Add([]byte(`[{"id": "4", "tests": [{"section": "4.1", "results": [{"test_number": "4.1.1", "status": "FAIL"}]}]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		controls, err := ParseKubeBenchJSON(b)
		if err != nil {
			return
		}
		n := CISNodeFacts("node", controls)
		if n.Checks == nil {
			t.Fatal("checks must be a list, not null")
		}
	})
}

// FuzzDecodeHelmRelease: no release Secret data makes decoding, or scanning its manifest,
// panic or read past the limit (1 MiB here, to keep each run fast).
// Seeds: testdata/fuzz/FuzzDecodeHelmRelease.
func FuzzDecodeHelmRelease(f *testing.F) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"name":"web","namespace":"shop","version":2,"info":{"status":"deployed"},"chart":{"metadata":{"name":"nginx","version":"15.1.0"}},` +
		`"manifest":"---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"}`))
	zw.Close()
	f.Add([]byte(base64.StdEncoding.EncodeToString(buf.Bytes())))
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 20
		_, manifest, err := decodeHelmRelease(data, limit)
		if err != nil {
			return
		}
		if len(manifest) > limit {
			t.Fatalf("a %d-byte manifest passed a %d-byte limit", len(manifest), limit)
		}
		ManifestAPIUse(manifest, "helm:fuzz")
	})
}
