// Package testprom runs a real Prometheus (Debian's prometheus package) on loopback for tests:
// with backfilled samples (promtool tsdb create-blocks-from openmetrics) or scraping targets.
// Tests skip when prometheus/promtool are absent, unless $CI is set, in which case they fail.
package testprom

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Prometheus is a running Prometheus server.
type Prometheus struct {
	URL     string
	DataDir string
}

// Require returns the paths of prometheus and promtool, skipping (or, under CI, failing) the
// test when they are missing.
func Require(t testing.TB) (prometheus, promtool string) {
	t.Helper()
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("skipping Prometheus test in -short mode")
	}
	p, err1 := exec.LookPath("prometheus")
	pt, err2 := exec.LookPath("promtool")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but prometheus/promtool are missing (apt-get install prometheus): %v %v", err1, err2)
		}
		t.Skip("prometheus/promtool not installed (apt-get install prometheus)")
	}
	return p, pt
}

// Backfill writes OpenMetrics text into a new TSDB folder with promtool and returns it.
func Backfill(t testing.TB, openMetrics string) string {
	t.Helper()
	_, promtool := Require(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "samples.om")
	if err := os.WriteFile(in, []byte(openMetrics), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", in, data).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool backfill: %v\n%s", err, out)
	}
	return data
}

// Start runs Prometheus with the given configuration (YAML) on a loopback port, on dataDir
// (a new folder when empty), and stops it when the test ends.
func Start(t testing.TB, config, dataDir string, extraArgs ...string) *Prometheus {
	t.Helper()
	prom, _ := Require(t)
	dir := t.TempDir()
	if dataDir == "" {
		dataDir = filepath.Join(dir, "data")
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--config.file=" + cfg, "--storage.tsdb.path=" + dataDir, "--web.listen-address=" + addr,
		"--storage.tsdb.retention.time=30d", "--web.enable-lifecycle"}, extraArgs...)
	cmd := exec.Command(prom, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	p := &Prometheus{URL: "http://" + addr, DataDir: dataDir}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
			t.Fatalf("prometheus exited:\n%s", tail(string(b)))
		default:
		}
		resp, err := http.Get(p.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
	t.Fatalf("prometheus not ready at %s:\n%s", p.URL, tail(string(b)))
	return nil
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// Series renders OpenMetrics samples of one series every step from start to end; value(i)
// gives the i-th value.
func Series(name, labels string, start, end time.Time, step time.Duration, value func(i int) float64) string {
	var b strings.Builder
	i := 0
	for ts := start; !ts.After(end); ts = ts.Add(step) {
		fmt.Fprintf(&b, "%s{%s} %g %d\n", name, labels, value(i), ts.Unix())
		i++
	}
	return b.String()
}
