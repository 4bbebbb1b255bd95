package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

var euBindings = &binding.Bindings{File: "bindings.yaml",
	Profiles:       []binding.ProfileBinding{{Clusters: []string{"prod-*"}, Profile: "platform"}},
	ClusterObjects: []binding.ObjectBinding{{Object: "capi/eu", Cluster: "prod-eu"}}}

const hookPath = "/hooks.runtime.cluster.x-k8s.io/v1alpha1/beforeclusterupgrade/" + server.HandlerName

// hookRequest asks the hook whether capi/eu may move to v1.35.0.
const hookRequest = `{"apiVersion": "hooks.runtime.cluster.x-k8s.io/v1alpha1", "kind": "BeforeClusterUpgradeRequest",
	"cluster": {"metadata": {"name": "eu", "namespace": "capi"}}, "fromKubernetesVersion": "v1.34.2", "toKubernetesVersion": "v1.35.0"}`

func post(h http.Handler, path string, body io.Reader, length int64) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, path, body)
	r.ContentLength = length
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// TestBodyLimit: every POST endpoint refuses a body over MaxBodyBytes with 413 and says
// what the limit is, whether the body declares its length or streams it; a body within the
// limit is read.
func TestBodyLimit(t *testing.T) {
	h := newGateServer(t, gateOptions{bindings: euBindings}).GateHandler()
	for _, path := range []string{"/v1/gate", "/validate/clusters", hookPath, "/hooks.runtime.cluster.x-k8s.io/v1alpha1/discovery"} {
		for _, length := range []int64{server.MaxBodyBytes + 1, -1} {
			if length == -1 && strings.HasSuffix(path, "discovery") {
				continue // discovery reads no body: nothing to cut off
			}
			big := io.MultiReader(strings.NewReader(`{"a": "`), strings.NewReader(strings.Repeat("a", server.MaxBodyBytes)), strings.NewReader(`"}`))
			rec := post(h, path, big, length)
			if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "every fleetaudit endpoint reads at most 4 MiB") {
				t.Errorf("%s, %d bytes declared: %d %s", path, length, rec.Code, rec.Body.String())
			}
		}
	}
	within := `{"profile": "platform", "clusters": ["prod-eu"]}` + strings.Repeat(" ", server.MaxBodyBytes-100)
	if rec := post(h, "/v1/gate", strings.NewReader(within), int64(len(within))); rec.Code != http.StatusOK {
		t.Errorf("a body within the limit: %d %s", rec.Code, rec.Body.String())
	}
}

// TestGateBusy: with every evaluation slot and the queue taken, each endpoint says the gate
// is busy at once and fails closed: /v1/gate answers 429 with Retry-After, the webhook denies
// with 429 and a retry delay the API server passes on, the hook holds the upgrade and asks
// Cluster API to retry. What needs no evaluation is still answered; once a slot is free, the
// same requests are decided.
func TestGateBusy(t *testing.T) {
	srv := newGateServer(t, gateOptions{bindings: euBindings, limits: server.Limits{Concurrency: 2, Queue: 3}})
	h := srv.GateHandler()
	gate := func() *httptest.ResponseRecorder {
		return post(h, "/v1/gate", strings.NewReader(`{"profile": "platform"}`), -1)
	}
	move := func() *admissionv1.AdmissionResponse {
		return review(t, h, admissionv1.Update, clusterJSON("capi", "eu", "v1.35.0", nil), clusterJSON("capi", "eu", "v1.34.2", nil))
	}
	hook := func() (out struct {
		Status            string `json:"status"`
		Message           string `json:"message"`
		RetryAfterSeconds int    `json:"retryAfterSeconds"`
	}) {
		rec := post(h, hookPath, strings.NewReader(hookRequest), -1)
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("hook: %d %s", rec.Code, rec.Body.String())
		}
		return out
	}

	release := server.Saturate(srv)
	start := time.Now()
	if rec := gate(); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "5" || !strings.Contains(rec.Body.String(), "the gate is busy") {
		t.Errorf("/v1/gate when busy: %d, Retry-After %q, %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	resp := move()
	if resp.Allowed || resp.Result == nil || resp.Result.Code != http.StatusTooManyRequests || resp.Result.Reason != metav1.StatusReasonTooManyRequests ||
		resp.Result.Details == nil || resp.Result.Details.RetryAfterSeconds != 5 || !strings.Contains(resp.Result.Message, "the gate is busy") ||
		!strings.Contains(resp.Result.Message, "fail closed") {
		t.Errorf("webhook when busy: %+v", resp.Result)
	}
	if resp := review(t, h, admissionv1.Update, clusterJSON("capi", "eu", "v1.34.2", map[string]string{"a": "b"}), clusterJSON("capi", "eu", "v1.34.2", nil)); !resp.Allowed {
		t.Errorf("an update that changes no version needs no evaluation, yet was refused: %+v", resp.Result)
	}
	if out := hook(); out.Status != "Success" || out.RetryAfterSeconds != 5 || !strings.Contains(out.Message, "the gate is busy") {
		t.Errorf("hook when busy: %+v", out)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("busy answers took %v: they must not wait", waited)
	}

	release()
	if rec := gate(); rec.Code != http.StatusOK {
		t.Errorf("/v1/gate with a free slot: %d %s", rec.Code, rec.Body.String())
	}
	if resp := move(); !resp.Allowed {
		t.Errorf("webhook with a free slot: %+v", resp.Result)
	}
	if out := hook(); out.RetryAfterSeconds != 0 {
		t.Errorf("hook with a free slot: %+v", out)
	}
}

// slowGate asks /v1/gate about a move to v1.99.0, which the test rule in testdata/slowrule
// takes seconds to evaluate.
const slowGate = `{"profile": "platform", "clusters": ["prod-eu"], "targetVersion": "v1.99.0"}`

// waitLoad waits until the server runs and queues as many evaluations as given.
func waitLoad(t *testing.T, srv *server.Server, running, waiting int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r, w := server.Load(srv)
		if r == running && w == waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d evaluations running and %d waiting, want %d and %d", within, r, w, running, waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestGateQueueAndCancellation, over real HTTP: requests beyond the running and the queued
// ones get 429 with Retry-After; a caller that leaves gives its place back, queued or
// running (its evaluation stops in the middle of the rules); a request over its time budget
// gets 503 when the budget ends, not after the evaluation.
func TestGateQueueAndCancellation(t *testing.T) {
	srv := newGateServer(t, gateOptions{limits: server.Limits{Concurrency: 1, Queue: 1}, ruleDirs: []string{"testdata/slowrule"}})
	ts := httptest.NewServer(srv.GateHandler())
	defer ts.Close()
	ask := func(ctx context.Context, path, body string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+path, strings.NewReader(body))
		resp, err := ts.Client().Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp, err
	}
	leave := func() (context.Context, context.CancelFunc, <-chan error) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := ask(ctx, "/v1/gate", slowGate); done <- err }()
		return ctx, cancel, done
	}

	_, cancelRunning, runningDone := leave()
	waitLoad(t, srv, 1, 0, 10*time.Second)
	_, cancelQueued, queuedDone := leave()
	waitLoad(t, srv, 1, 1, 10*time.Second)

	resp, err := ask(context.Background(), "/v1/gate", `{"profile": "platform"}`)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a third request with one running and one queued: %v %v", resp, err)
	}

	cancelQueued()
	<-queuedDone
	waitLoad(t, srv, 1, 0, 2*time.Second)
	cancelRunning()
	<-runningDone
	left := time.Now()
	waitLoad(t, srv, 0, 0, 3*time.Second)
	t.Logf("a running evaluation stopped %v after its caller left", time.Since(left).Round(time.Millisecond))

	resp, err = ask(context.Background(), "/v1/gate", `{"profile": "platform"}`)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("with the slots given back: %v %v", resp, err)
	}

	start := time.Now()
	resp, err = ask(context.Background(), "/v1/gate?timeout=3s", slowGate)
	if took := time.Since(start); err != nil || resp.StatusCode != http.StatusServiceUnavailable || took > 2500*time.Millisecond {
		t.Errorf("a slow request with ?timeout=3s (budget 2s): %v %v after %v", resp, err, took)
	}
	waitLoad(t, srv, 0, 0, 3*time.Second)
}

// TestEvaluationOutlivesReadTimeout: the listener's read timeout bounds reading the request,
// not its evaluation (Go would cancel the request's context when it passes); the evaluation
// ends at its own budget.
func TestEvaluationOutlivesReadTimeout(t *testing.T) {
	srv := newGateServer(t, gateOptions{ruleDirs: []string{"testdata/slowrule"}})
	addr := listen(t, srv.GateHandler()) // read timeout 2 s
	start := time.Now()
	resp, err := http.Post("http://"+addr+"/v1/gate?timeout=5s", "application/json", strings.NewReader(slowGate))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "no decision in time") || took < 3500*time.Millisecond {
		t.Errorf("after %v: %s %s (want the 4 s budget to end it, past the 2 s read timeout)", took, resp.Status, bytes.TrimSpace(body))
	}
}
