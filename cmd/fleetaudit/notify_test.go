package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/notify"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// hookToken is the secret part of the test receiver's URL, as in a real webhook URL.
const hookToken = "T0KEN-5ecr3t"

// hook is a webhook receiver on loopback that records every request and answers status.
type hook struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	bodies [][]byte
	heads  []http.Header
}

func newHook(t *testing.T, status int) *hook {
	h := &hook{status: status}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies, h.heads = append(h.bodies, b), append(h.heads, r.Header.Clone())
		h.mu.Unlock()
		w.WriteHeader(h.status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// url is the receiver's URL, with a token in its path and query.
func (h *hook) url() string { return h.srv.URL + "/hook/" + hookToken + "?token=" + hookToken }

func (h *hook) requests() ([][]byte, []http.Header) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bodies, h.heads
}

// demoOpenAtLeast counts the open findings of the demo audit at or above min, from the
// audit's own JSON output.
func demoOpenAtLeast(t *testing.T, min policy.Severity) int {
	t.Helper()
	code, out, errOut := runCLI(t, "audit", "--demo", "-o", "json")
	if code != exitOK {
		t.Fatalf("demo audit: exit %d %s", code, errOut)
	}
	n := 0
	for _, c := range decodeAudit(t, out).Clusters {
		for _, f := range c.Findings {
			if f.Waiver == nil && f.Severity.AtLeast(min) {
				n++
			}
		}
	}
	return n
}

// TestNotifyAuditSendsOneSignedPayload: audit --demo --notify posts once, signed with the
// key of --notify-secret-file (its trailing newline trimmed), listing every open finding at
// or above --notify-on; the audit's output and exit code are those without --notify.
func TestNotifyAuditSendsOneSignedPayload(t *testing.T) {
	for _, level := range []policy.Severity{policy.SeverityHigh, policy.SeverityMedium} {
		h := newHook(t, http.StatusNoContent)
		secret := writeFile(t, "hmac.key", "shared-key\n")
		args := []string{"audit", "--demo", "--fail-on", "critical"}
		wantCode, wantOut, _ := runCLI(t, args...)
		code, out, errOut := runCLI(t, append(args, "--notify", h.url(), "--notify-secret-file", secret, "--notify-on", string(level))...)
		if code != wantCode || out != wantOut || errOut != "" {
			t.Fatalf("%s: exit %d (want %d), stderr %q; output differs: %v", level, code, wantCode, errOut, out != wantOut)
		}
		bodies, heads := h.requests()
		if len(bodies) != 1 {
			t.Fatalf("%s: %d requests, want 1", level, len(bodies))
		}
		if got, want := heads[0].Get(notify.SignatureHeader), notify.Sign([]byte("shared-key"), bodies[0]); got != want {
			t.Errorf("%s: signature %q, want %q (HMAC-SHA256 of the body with the file's key, newline trimmed)", level, got, want)
		}
		if ct := heads[0].Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", level, ct)
		}
		var msg notify.Message
		if err := json.Unmarshal(bodies[0], &msg); err != nil {
			t.Fatalf("%s: payload is not JSON: %v", level, err)
		}
		want := demoOpenAtLeast(t, level)
		if want == 0 || msg.Count != want || len(msg.Findings) != min(want, 100) || msg.MinSeverity != string(level) {
			t.Errorf("%s: payload count %d, %d listed, min %q; the demo audit has %d open findings at or above it",
				level, msg.Count, len(msg.Findings), msg.MinSeverity, want)
		}
		for _, f := range msg.Findings {
			if s, err := policy.ParseSeverity(f.Severity); err != nil || !s.AtLeast(level) || f.Cluster == "" || f.Rule == "" {
				t.Errorf("%s: payload finding %+v", level, f)
			}
		}
	}
}

// TestNotifyFailingReceiverIsAWarning: a receiver answering 500 every time is retried, then
// a warning on stderr naming its host, never its path or token; the exit code and output
// are those without --notify.
func TestNotifyFailingReceiverIsAWarning(t *testing.T) {
	h := newHook(t, http.StatusInternalServerError)
	args := []string{"audit", "--demo", "--fail-on", "high"}
	wantCode, wantOut, _ := runCLI(t, args...)
	if wantCode != exitFindings {
		t.Fatalf("the demo fleet has high findings: exit %d", wantCode)
	}
	code, out, errOut := runCLI(t, append(args, "--notify", h.url())...)
	if code != wantCode || out != wantOut {
		t.Errorf("exit %d, want %d; output differs: %v", code, wantCode, out != wantOut)
	}
	host := strings.TrimPrefix(h.srv.URL, "http://")
	if !strings.Contains(errOut, "warning: notify "+host+": answered 500") {
		t.Errorf("stderr does not warn about %s: %q", host, errOut)
	}
	if strings.Contains(errOut, hookToken) || strings.Contains(errOut, "/hook") {
		t.Errorf("stderr shows the URL's path or token: %q", errOut)
	}
	if bodies, _ := h.requests(); len(bodies) < 2 {
		t.Errorf("%d attempts: a 500 is retried", len(bodies))
	}
}

// TestNotifyOnlyNewFindingsAgainstABaseline: with a baseline equal to the run nothing is
// sent; with the baseline missing one high finding, exactly that finding is.
func TestNotifyOnlyNewFindingsAgainstABaseline(t *testing.T) {
	h := newHook(t, http.StatusOK)
	same := demoBaseline(t, nil)
	if code, _, errOut := runCLI(t, "audit", "--demo", "--baseline", same, "--notify", h.url()); code != exitOK || errOut != "" {
		t.Fatalf("exit %d %s", code, errOut)
	}
	if bodies, _ := h.requests(); len(bodies) != 0 {
		t.Fatalf("%d requests with nothing new: %s", len(bodies), bodies)
	}
	lacking := demoBaseline(t, func(doc map[string]any) {
		editFindings(doc, func(cluster string, fs []any) []any {
			var out []any
			for _, f := range fs {
				if !isEUPDB(cluster, f.(map[string]any)) {
					out = append(out, f)
				}
			}
			return out
		})
	})
	if code, _, errOut := runCLI(t, "audit", "--demo", "--baseline", lacking, "--notify", h.url()); code != exitOK || errOut != "" {
		t.Fatalf("exit %d %s", code, errOut)
	}
	bodies, heads := h.requests()
	if len(bodies) != 1 {
		t.Fatalf("%d requests, want 1", len(bodies))
	}
	if heads[0].Get(notify.SignatureHeader) != "" {
		t.Error("signed without --notify-secret-file")
	}
	var msg notify.Message
	if err := json.Unmarshal(bodies[0], &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Count != 1 || len(msg.Findings) != 1 || msg.Findings[0].Rule != "FA-UPG-005" || msg.Findings[0].Cluster != "prod-eu-west" ||
		msg.Findings[0].Resource.Name != "payments-db" {
		t.Errorf("want only the new PDB finding: %s", bodies[0])
	}
}

// TestNotifyReportAnnouncesOnlyWhatIsNewInTheHistory: the first report of a history
// announces every open finding at or above --notify-on; the next one, with the same
// findings, announces nothing.
func TestNotifyReportAnnouncesOnlyWhatIsNewInTheHistory(t *testing.T) {
	h := newHook(t, http.StatusOK)
	dir := t.TempDir()
	for run := 1; run <= 2; run++ {
		if run == 2 {
			time.Sleep(time.Second) // report folders are named to the second
		}
		if code, _, errOut := runCLI(t, "report", "--demo", "--output-dir", dir, "--format", "json", "--notify", h.url()); code != exitOK || errOut != "" {
			t.Fatalf("report %d: exit %d %s", run, code, errOut)
		}
	}
	bodies, _ := h.requests()
	if len(bodies) != 1 {
		t.Fatalf("%d requests over two identical reports, want 1 (the first)", len(bodies))
	}
	var msg notify.Message
	if err := json.Unmarshal(bodies[0], &msg); err != nil {
		t.Fatal(err)
	}
	if want := demoOpenAtLeast(t, policy.SeverityHigh); msg.Count != want {
		t.Errorf("first report announced %d findings, the demo fleet has %d open at or above high", msg.Count, want)
	}
}

// TestNotifyServeScheduledReport: serve with a report schedule notifies after its first
// scheduled report.
func TestNotifyServeScheduledReport(t *testing.T) {
	h := newHook(t, http.StatusOK)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var code int
	var out, errOut syncBuilder
	wg.Go(func() {
		code = run(ctx, []string{"serve", "--demo", "--listen", freeAddr(t), "--interval", "1h",
			"--report-schedule", "@every 1s", "--report-dir", t.TempDir(), "--report-format", "json", "--notify", h.url()}, &out, &errOut)
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if bodies, _ := h.requests(); len(bodies) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatalf("no notification after 20s\n%s", errOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if code != exitOK {
		t.Errorf("serve exited %d: %s", code, errOut.String())
	}
	bodies, _ := h.requests()
	var msg notify.Message
	if err := json.Unmarshal(bodies[0], &msg); err != nil || msg.Count != demoOpenAtLeast(t, policy.SeverityHigh) {
		t.Errorf("serve's first scheduled report announced %d findings (%v)", msg.Count, err)
	}
	if code, _, errOut := runCLI(t, "serve", "--demo", "--notify", h.url()); code != exitUsage || !strings.Contains(errOut, "--report-schedule") {
		t.Errorf("serve --notify without a schedule: exit %d %s", code, errOut)
	}
}

// TestNotifyBadInput: a bad URL, an empty or missing key file and a key without a URL are
// usage errors before anything is audited, and no message repeats the URL.
func TestNotifyBadInput(t *testing.T) {
	empty := writeFile(t, "empty.key", "\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--notify", "ftp://hooks.example.com/" + hookToken}, "--notify (value 1): not an http:// or https:// URL"},
		{[]string{"--notify", "hooks.example.com/" + hookToken}, "--notify (value 1): not an http:// or https:// URL"},
		{[]string{"--notify", "https:///" + hookToken}, "--notify (value 1): no host"},
		{[]string{"--notify", "https://h.example.com/x", "--notify-secret-file", empty}, "is empty"},
		{[]string{"--notify", "https://h.example.com/x", "--notify-secret-file", filepath.Join(t.TempDir(), "none")}, "no such file"},
		{[]string{"--notify-secret-file", empty}, "--notify-secret-file needs --notify"},
		{[]string{"--notify-on", "urgent"}, `"urgent" is not one of info, low, medium, high, critical`},
	} {
		for _, cmd := range [][]string{{"audit", "--demo"}, {"report", "--demo", "--output-dir", t.TempDir()}} {
			code, out, errOut := runCLI(t, append(cmd, tc.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) || out != "" || strings.Contains(errOut, hookToken) {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want usage error %q without the token", cmd[0], tc.args, code, out, errOut, tc.want)
			}
		}
	}
	cfg := writeFile(t, "fleetaudit.yaml", "notify: [\"https://ok.example.com/a\", \"ftp://x.example.com/"+hookToken+"\"]\n")
	code, _, errOut := runCLI(t, "config", "validate", cfg)
	if code != exitUsage || !strings.Contains(errOut, "notify: not an http:// or https:// URL") || strings.Contains(errOut, hookToken) {
		t.Errorf("config validate: exit %d %q", code, errOut)
	}
}
