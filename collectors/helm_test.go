package collectors

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
)

func encodeHelmRelease(t *testing.T, rel map[string]any) []byte {
	t.Helper()
	raw, err := json.Marshal(rel)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// helmBomb is a Helm release whose gzip stream inflates to size bytes: a JSON release with a
// manifest of zeros, compressed at the fastest level (a few hundred KiB for 256 MiB).
func helmBomb(t testing.TB, name string, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	head := `{"name":"` + name + `","namespace":"shop","version":1,"info":{"status":"deployed"},"chart":{"metadata":{"name":"bomb","version":"1.0.0"}},"manifest":"`
	zw.Write([]byte(head))
	chunk := bytes.Repeat([]byte("0"), 1<<20)
	for n := len(head); n < size; n += len(chunk) {
		zw.Write(chunk)
	}
	zw.Write([]byte(`"}`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// TestHelmReleaseBombIsBounded: a release that inflates to 256 MiB is refused after inflating
// MaxHelmReleaseSize, and decoding it allocates a small multiple of the limit, not of the bomb.
func TestHelmReleaseBombIsBounded(t *testing.T) {
	bomb := helmBomb(t, "bomb", 256<<20)
	t.Logf("bomb: %d bytes of base64 inflating to 256 MiB", len(bomb))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := DecodeHelmRelease(bomb)
	runtime.ReadMemStats(&after)
	if !sizelimit.Is(err) || err.Error() != "helm release: decompressed release is over the limit of 32 MiB" {
		t.Fatalf("error %v, want the size limit", err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d MiB decoding it", allocated>>20)
	bound := uint64(3 * MaxHelmReleaseSize)
	if raceEnabled {
		bound = 8 * MaxHelmReleaseSize // the race detector's shadow memory; unbounded would be 512 MiB
	}
	if allocated > bound { // unbounded, the manifest alone would be 256 MiB, twice
		t.Errorf("decoding the bomb allocated %d MiB; the limit is %d MiB", allocated>>20, MaxHelmReleaseSize>>20)
	}
}

func TestHelmReleaseLimit(t *testing.T) {
	rel := encodeHelmRelease(t, map[string]any{"name": "web", "namespace": "shop", "version": 1, "manifest": strings.Repeat("x", 2000)})
	if _, _, err := decodeHelmRelease(rel, 1024); err == nil || err.Error() != "helm release: decompressed release is over the limit of 1 KiB" {
		t.Errorf("over the limit: %v", err)
	}
	if h, _, err := decodeHelmRelease(rel, 4096); err != nil || h.Name != "web" {
		t.Errorf("under the limit: %+v %v", h, err)
	}
	plain := []byte(base64.StdEncoding.EncodeToString([]byte(`{"name":"web","manifest":"` + strings.Repeat("x", 2000) + `"}`)))
	if _, _, err := decodeHelmRelease(plain, 1024); !sizelimit.Is(err) {
		t.Errorf("an uncompressed release over the limit: %v", err)
	}
}
