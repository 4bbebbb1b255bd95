package reports

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the crash test re-run this binary as a report writer that it then kills.
func TestMain(m *testing.M) {
	if dir := os.Getenv("FLEETAUDIT_CRASH_WRITER_DIR"); dir != "" {
		crashWriter(dir)
		return
	}
	os.Exit(m.Run())
}

// crashWriter writes a report run that pauses after its second file, long enough to be
// killed there.
func crashWriter(dir string) {
	r, err := ReadReport(filepath.Join(dir, "seed.json"))
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	r.GeneratedAt = r.GeneratedAt.Add(time.Hour)
	n := 0
	h := History{Dir: filepath.Join(dir, "history"), AfterFile: func(p string) {
		n++
		if n == 2 {
			fmt.Println("WROTE", p)
			time.Sleep(time.Minute)
		}
	}}
	if _, err := h.Write(r, DefaultReportFormats); err != nil {
		fmt.Println("ERROR", err)
	}
}

// TestKilledDuringWriteLeavesPreviousReportAndIndex: SIGKILL in the middle of writing a run
// leaves the previous run and the index intact (every link resolves) and no half-written run
// visible; the next run cleans up and succeeds.
func TestKilledDuringWriteLeavesPreviousReportAndIndex(t *testing.T) {
	dir := t.TempDir()
	h := History{Dir: filepath.Join(dir, "history")}
	r := demoReport(t)
	first, err := h.Write(r, []string{"html", "md"})
	if err != nil {
		t.Fatal(err)
	}
	indexBefore, _ := os.ReadFile(filepath.Join(h.Dir, "index.html"))
	seed, _ := Render(r, "json")
	os.WriteFile(filepath.Join(dir, "seed.json"), seed["report.json"], 0o644)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FLEETAUDIT_CRASH_WRITER_DIR="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "WROTE ") {
		cmd.Process.Kill()
		t.Fatalf("writer did not reach the pause: %q %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	runs, _ := h.Runs()
	if len(runs) != 1 || runs[0] != filepath.Base(first) {
		t.Fatalf("after the crash the history shows %v, want only %s", runs, filepath.Base(first))
	}
	for _, f := range []string{"report.html", "report.md", "report.json"} {
		if _, err := os.Stat(filepath.Join(first, f)); err != nil {
			t.Errorf("previous report lost %s: %v", f, err)
		}
	}
	indexAfter, _ := os.ReadFile(filepath.Join(h.Dir, "index.html"))
	if string(indexAfter) != string(indexBefore) {
		t.Error("the index changed although the run did not complete")
	}
	assertIndexLinksResolve(t, h.Dir)
	tmps, _ := filepath.Glob(filepath.Join(h.Dir, ".tmp-*"))
	if len(tmps) != 1 {
		t.Errorf("expected the killed run's hidden temporary folder, found %v", tmps)
	}

	r2 := *r
	r2.GeneratedAt = r.GeneratedAt.Add(2 * time.Hour)
	if _, err := h.Write(&r2, DefaultReportFormats); err != nil {
		t.Fatal(err)
	}
	if tmps, _ := filepath.Glob(filepath.Join(h.Dir, ".tmp-*")); len(tmps) != 0 {
		t.Errorf("leftover temporary folders: %v", tmps)
	}
	if runs, _ := h.Runs(); len(runs) != 2 {
		t.Errorf("runs after recovery: %v", runs)
	}
	assertIndexLinksResolve(t, h.Dir)
}
