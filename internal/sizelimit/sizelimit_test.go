package sizelimit

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadStopsAtTheLimit(t *testing.T) {
	var endless countingReader
	_, err := Read(&endless, 1000, "stream")
	if !Is(err) || err.Error() != "stream is over the limit of 1000 bytes" {
		t.Errorf("error %v", err)
	}
	if endless.n > 1001+32*1024 { // io.ReadAll's first buffer at most
		t.Errorf("read %d bytes of an endless stream with a limit of 1000", endless.n)
	}
	b, err := Read(strings.NewReader("12345"), 5, "five")
	if err != nil || string(b) != "12345" {
		t.Errorf("exactly the limit: %q %v", b, err)
	}
}

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(p, make([]byte, 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(p, 1<<20)
	if !Is(err) || err.Error() != p+" is 3 MiB, over the limit of 1 MiB" {
		t.Errorf("error %v", err)
	}
	if b, err := ReadFile(p, 3<<20); err != nil || len(b) != 3<<20 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
	// A device is read only up to the limit, never to its (missing) end.
	if _, err := ReadFile("/dev/zero", 4096); !Is(err) || !strings.Contains(err.Error(), "/dev/zero is over the limit of 4 KiB") {
		t.Errorf("/dev/zero: %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing"), 10); err == nil || Is(err) {
		t.Errorf("missing file: %v", err)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{17: "17 bytes", 1536: "1.5 KiB", 64 << 20: "64 MiB", 3 << 30: "3 GiB", 1<<20 + 1: "1048577 bytes"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	r.n += len(p)
	return len(p), nil
}

var _ io.Reader = (*countingReader)(nil)
