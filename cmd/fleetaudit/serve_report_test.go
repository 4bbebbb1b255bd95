package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeWritesScheduledReports: serve with a report schedule writes dated reports of its
// last audit into the history folder, with an index.
func TestServeWritesScheduledReports(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var code int
	var out, errOut strings.Builder
	wg.Go(func() {
		code = run(ctx, []string{"serve", "--demo", "--listen", freeAddr(t), "--interval", "1h",
			"--report-schedule", "@every 1s", "--report-dir", dir, "--report-format", "html,json", "--report-keep", "2"}, &out, &errOut)
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(dir)
		runs := 0
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				runs++
			}
		}
		if runs >= 2 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatalf("no scheduled reports after 20s (%d runs)\n%s", runs, errOut.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if code != exitOK {
		t.Errorf("serve exited %d: %s", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		t.Error(err)
	}
	if code, _, errOut := runCLI(t, "serve", "--demo", "--report-schedule", "every tuesday"); code != exitUsage || !strings.Contains(errOut, "--report-schedule") {
		t.Errorf("a bad schedule must be a usage error: %d %s", code, errOut)
	}
}
