//go:build unix

package sizelimit

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadRegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "a.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	// Nobody writes to the FIFO: a blocking open would never return.
	if _, err := ReadRegularFile(fifo, 1<<20); err == nil || err.Error() != fifo+" is not a regular file (p---------)" {
		t.Errorf("FIFO: %v", err)
	}
	if _, err := ReadRegularFile("/dev/zero", 1<<20); err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("device: %v", err)
	}
	if _, err := ReadRegularFile(dir, 1<<20); err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("folder: %v", err)
	}
	p := filepath.Join(dir, "b.json")
	if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "c.json")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadRegularFile(link, 2); err != nil || string(b) != "{}" {
		t.Errorf("a link to a regular file: %q %v", b, err)
	}
	if _, err := ReadRegularFile(p, 1); !Is(err) {
		t.Errorf("over the limit: %v", err)
	}
}
