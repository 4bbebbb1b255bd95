package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeLimitFlags: the gate's limits must be usable values.
func TestServeLimitFlags(t *testing.T) {
	for _, bad := range [][]string{{"--gate-concurrency", "-1"}, {"--gate-queue", "-1"}, {"--gate-timeout", "0s"}} {
		code, _, errOut := runCLI(t, append([]string{"serve", "--demo", "--listen", freeAddr(t)}, bad...)...)
		if code != exitUsage || !strings.Contains(errOut, "--gate-concurrency and --gate-queue must be at least 0") {
			t.Errorf("serve %v: exit %d, %s", bad, code, errOut)
		}
	}
}

// latencies records how long requests took.
type latencies []time.Duration

func (l latencies) quantile(q float64) time.Duration {
	s := slices.Sorted(slices.Values(l))
	return s[min(int(q*float64(len(s))), len(s)-1)]
}

// TestServeHealthUnderGateLoad: 200 callers asking /v1/gate as fast as they can, over TLS, do
// not starve health and metrics: while they run, /healthz and /metrics (a scraper's
// keep-alive connection) answer with a 99th percentile under a second, and the gate answers
// every caller — decisions for as many as it has slots, 429 at once for the rest. (Before
// the limiter, 200 concurrent gate requests on 2 CPUs held /metrics for up to 7.9 s.) The
// callers run in a child process, as they would on other machines: in this one they would
// compete with the probes for the Go scheduler and measure themselves.
func TestServeHealthUnderGateLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of several seconds")
	}
	const callers, load = 200, 4 * time.Second
	plain := freeAddr(t)
	url, pki, _ := serveGate(t, "--allow-unauthenticated-callers", "--listen", plain)
	probe := &http.Client{Timeout: 20 * time.Second}
	get := func(path string) (time.Duration, error) {
		start := time.Now()
		resp, err := probe.Get("http://" + plain + path)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %s", path, resp.Status)
		}
		return time.Since(start), nil
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := get("/readyz"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("not ready: %v", err)
		}
	}

	ca := filepath.Join(t.TempDir(), "ca.crt")
	write(t, ca, string(pki.CACert))
	gen := exec.Command(os.Args[0], "-test.run=^TestServeGateLoadGenerator$")
	gen.Env = append(os.Environ(), "FLEETAUDIT_LOADGEN_URL="+url, "FLEETAUDIT_LOADGEN_CA="+ca,
		fmt.Sprintf("FLEETAUDIT_LOADGEN_CALLERS=%d", callers), "FLEETAUDIT_LOADGEN_DURATION="+load.String())
	var genOut bytes.Buffer
	gen.Stdout, gen.Stderr = &genOut, &genOut
	if err := gen.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // let the callers connect
	var health, metrics latencies
	for stop := time.Now().Add(load - time.Second); time.Now().Before(stop); time.Sleep(20 * time.Millisecond) {
		for _, p := range []struct {
			path string
			into *latencies
		}{{"/healthz", &health}, {"/metrics", &metrics}} {
			d, err := get(p.path)
			if err != nil {
				t.Fatalf("%s under load: %v", p.path, err)
			}
			*p.into = append(*p.into, d)
		}
	}
	if err := gen.Wait(); err != nil {
		t.Fatalf("load generator: %v\n%s", err, genOut.String())
	}
	var res loadResult
	for line := range strings.Lines(genOut.String()) {
		if after, ok := strings.CutPrefix(line, "loadgen: "); ok {
			if err := json.Unmarshal([]byte(after), &res); err != nil {
				t.Fatal(err)
			}
		}
	}

	total := res.Errors
	for _, n := range res.Codes {
		total += n
	}
	t.Logf("%d callers for %v: %d gate requests (%.0f/s): %v, %d errors", callers, load, total, float64(total)/load.Seconds(), res.Codes, res.Errors)
	t.Logf("/healthz: %d probes, p50 %v, p99 %v, max %v", len(health), health.quantile(0.5), health.quantile(0.99), health.quantile(1))
	t.Logf("/metrics: %d probes, p50 %v, p99 %v, max %v", len(metrics), metrics.quantile(0.5), metrics.quantile(0.99), metrics.quantile(1))
	if res.Errors > 0 {
		t.Errorf("the gate must answer every caller: %d errors", res.Errors)
	}
	if raceDetector {
		return // the same load finds data races; its times are the detector's
	}
	for _, l := range []struct {
		path string
		l    latencies
	}{{"/healthz", health}, {"/metrics", metrics}} {
		if p99 := l.l.quantile(0.99); p99 > time.Second {
			t.Errorf("%s p99 %v under gate load, want < 1s", l.path, p99)
		}
	}
	if res.Codes[http.StatusOK] == 0 {
		t.Errorf("the gate must keep deciding under load: %v", res.Codes)
	}
	for code := range res.Codes {
		if code != http.StatusOK && code != http.StatusTooManyRequests && code != http.StatusServiceUnavailable {
			t.Errorf("gate answered %d", code)
		}
	}
}

// loadResult is what the load generator reports: answers by status code, and errors.
type loadResult struct {
	Codes  map[int]int `json:"codes"`
	Errors int         `json:"errors"`
}

// TestServeGateLoadGenerator is TestServeHealthUnderGateLoad's child process: its callers
// POST /v1/gate in a loop, without pause, until the duration ends.
func TestServeGateLoadGenerator(t *testing.T) {
	url := os.Getenv("FLEETAUDIT_LOADGEN_URL")
	if url == "" {
		t.Skip("run by TestServeHealthUnderGateLoad")
	}
	callers, _ := strconv.Atoi(os.Getenv("FLEETAUDIT_LOADGEN_CALLERS"))
	load, _ := time.ParseDuration(os.Getenv("FLEETAUDIT_LOADGEN_DURATION"))
	ca, err := os.ReadFile(os.Getenv("FLEETAUDIT_LOADGEN_CA"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	gate := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: callers}}
	var mu sync.Mutex
	res := loadResult{Codes: map[int]int{}}
	stop := time.Now().Add(load)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				resp, err := gate.Post(url+"/v1/gate", "application/json", strings.NewReader(`{}`))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				if err != nil {
					res.Errors++
				} else {
					res.Codes[resp.StatusCode]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	b, _ := json.Marshal(res)
	fmt.Printf("loadgen: %s\n", b)
}
