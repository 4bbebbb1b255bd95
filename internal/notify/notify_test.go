package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// receiver records what it is sent, answering with the statuses given, then 200.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	headers  []http.Header
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, b)
	r.headers = append(r.headers, req.Header.Clone())
	if len(r.statuses) > 0 {
		w.WriteHeader(r.statuses[0])
		r.statuses = r.statuses[1:]
	}
}

func findings() []policy.Finding {
	return []policy.Finding{
		{Cluster: "prod", RuleID: "FA-RBAC-001", Severity: policy.SeverityCritical, Category: "compliance", Message: "user a is cluster-admin", Baseline: policy.BaselineNew,
			Resource: policy.ResourceRef{Kind: "User", Name: "a"}},
		{Cluster: "prod", RuleID: "FA-WL-001", Severity: policy.SeverityHigh, Category: "workload", Message: "old high", Baseline: policy.BaselineUnchanged},
		{Cluster: "prod", RuleID: "FA-WL-019", Severity: policy.SeverityLow, Category: "workload", Message: "new low", Baseline: policy.BaselineNew},
		{Cluster: "prod", RuleID: "FA-WL-002", Severity: policy.SeverityHigh, Category: "workload", Message: "waived", Baseline: policy.BaselineNew,
			Waiver: &policy.Waiver{Owner: "o", Reason: "r", Expires: "2099-01-01"}},
	}
}

var fast = Options{Backoff: time.Millisecond, MaxElapsed: 5 * time.Second}

func TestNewSelectsNewOpenFindingsAtOrAboveTheLevel(t *testing.T) {
	got := New(findings(), policy.SeverityHigh, true)
	if len(got) != 1 || got[0].RuleID != "FA-RBAC-001" {
		t.Errorf("with a baseline: %v", got)
	}
	got = New(findings(), policy.SeverityHigh, false)
	if len(got) != 2 { // without a baseline every open finding at or above high is new; never a waived one
		t.Errorf("without a baseline: %v", got)
	}
}

// TestSignedGenericPayload: the receiver can verify the HMAC with the shared secret, and
// the payload lists the findings.
func TestSignedGenericPayload(t *testing.T) {
	r := &receiver{}
	srv := httptest.NewServer(r)
	defer srv.Close()
	o := fast
	o.URLs, o.Secret = []string{srv.URL + "/hook?token=t0ps3cret"}, []byte("shared")
	if w := Send(context.Background(), o, New(findings(), policy.SeverityHigh, true), policy.SeverityHigh); w != nil {
		t.Fatal(w)
	}
	if len(r.bodies) != 1 {
		t.Fatalf("%d requests, want 1", len(r.bodies))
	}
	if got, want := r.headers[0].Get(SignatureHeader), Sign([]byte("shared"), r.bodies[0]); got != want || !strings.HasPrefix(got, "sha256=") || len(got) != 7+64 {
		t.Errorf("signature %q, want %q", got, want)
	}
	if Sign([]byte("other"), r.bodies[0]) == r.headers[0].Get(SignatureHeader) {
		t.Error("a wrong secret verifies the signature")
	}
	var m Message
	if err := json.Unmarshal(r.bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	if m.Count != 1 || m.Findings[0].Rule != "FA-RBAC-001" || m.Findings[0].Resource.Name != "a" || m.MinSeverity != "high" {
		t.Errorf("payload %s", r.bodies[0])
	}
}

// TestRetryThenSuccess: 500 and 503 are retried with backoff; the third attempt lands.
func TestRetryThenSuccess(t *testing.T) {
	r := &receiver{statuses: []int{500, 503}}
	srv := httptest.NewServer(r)
	defer srv.Close()
	o := fast
	o.URLs = []string{srv.URL}
	if w := Send(context.Background(), o, findings()[:1], policy.SeverityHigh); w != nil {
		t.Fatal(w)
	}
	if len(r.bodies) != 3 {
		t.Errorf("%d attempts, want 3", len(r.bodies))
	}
}

// TestGiveUpWarnsWithHostOnly: a receiver that keeps failing gets the bounded attempts, 4xx
// is not retried, and the warning names the host but never the path or its token.
func TestGiveUpWarnsWithHostOnly(t *testing.T) {
	r := &receiver{statuses: []int{500, 500, 500, 500, 500}}
	srv := httptest.NewServer(r)
	defer srv.Close()
	o := fast
	o.URLs = []string{srv.URL + "/services/T0/B0/t0ps3cret"}
	w := Send(context.Background(), o, findings()[:1], policy.SeverityHigh)
	host := strings.TrimPrefix(srv.URL, "http://")
	if len(w) != 1 || !strings.Contains(w[0].Error(), host) || strings.Contains(w[0].Error(), "t0ps3cret") || len(r.bodies) != 4 {
		t.Errorf("warnings %v after %d attempts", w, len(r.bodies))
	}
	r2 := &receiver{statuses: []int{403}}
	srv2 := httptest.NewServer(r2)
	defer srv2.Close()
	o.URLs = []string{srv2.URL}
	if w := Send(context.Background(), o, findings()[:1], policy.SeverityHigh); len(w) != 1 || len(r2.bodies) != 1 {
		t.Errorf("403: %v after %d attempts, want one attempt", w, len(r2.bodies))
	}
	o.URLs = []string{"http://127.0.0.1:1/hook?token=t0ps3cret"} // nothing listens
	if w := Send(context.Background(), o, findings()[:1], policy.SeverityHigh); len(w) != 1 || strings.Contains(w[0].Error(), "t0ps3cret") {
		t.Errorf("unreachable: %v", w)
	}
}

func TestNothingNewNothingSent(t *testing.T) {
	r := &receiver{}
	srv := httptest.NewServer(r)
	defer srv.Close()
	o := fast
	o.URLs = []string{srv.URL}
	if w := Send(context.Background(), o, New(findings(), policy.SeverityCritical, true)[1:], policy.SeverityCritical); w != nil || len(r.bodies) != 0 {
		t.Errorf("sent %d requests with nothing new (%v)", len(r.bodies), w)
	}
}

// TestSlackPayload: a hooks.slack.com URL gets Slack's {"text": …} message, unsigned.
func TestSlackPayload(t *testing.T) {
	r := &receiver{}
	srv := httptest.NewServer(r)
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	o := fast
	o.URLs, o.Secret = []string{"https://hooks.slack.com/services/T0/B0/x"}, []byte("shared")
	o.Client = &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.URL.Host != "hooks.slack.com" {
			return nil, fmt.Errorf("unexpected host %s", req.URL.Host)
		}
		req.URL.Scheme, req.URL.Host = target.Scheme, target.Host
		return http.DefaultTransport.RoundTrip(req)
	})}
	var many []policy.Finding
	for i := range 25 {
		many = append(many, policy.Finding{Cluster: "prod", RuleID: fmt.Sprintf("R-%d", i), Severity: policy.SeverityHigh, Message: "m"})
	}
	if w := Send(context.Background(), o, many, policy.SeverityHigh); w != nil {
		t.Fatal(w)
	}
	var m map[string]any
	if err := json.Unmarshal(r.bodies[0], &m); err != nil || len(m) != 1 {
		t.Fatalf("slack payload %s: %v", r.bodies[0], err)
	}
	text := m["text"].(string)
	if !strings.HasPrefix(text, "*fleetaudit*: 25 new finding(s) at or above high\n• [high] prod R-0: m") || !strings.HasSuffix(text, "… and 5 more") {
		t.Errorf("slack text %q", text)
	}
	if r.headers[0].Get(SignatureHeader) != "" {
		t.Error("the Slack message is signed")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
