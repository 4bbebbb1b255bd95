package server_test

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/fleetaudit/fleetaudit/internal/server"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// countingTransport counts the TokenReviews sent through it.
type countingTransport struct {
	next    http.RoundTripper
	reviews *atomic.Int64
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/tokenreviews") {
		c.reviews.Add(1)
	}
	return c.next.RoundTrip(r)
}

// reviewerFor is a TokenReviewer against cluster c, counting its TokenReviews.
func reviewerFor(t *testing.T, c *testcluster.Cluster, audiences ...string) (*server.TokenReviewer, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	cfg := rest.CopyConfig(c.Config)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, &n} }
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return server.NewTokenReviewer(cs.AuthenticationV1().TokenReviews(), audiences), &n
}

// TestTokenReviewAgainstRealAPIServer: bearer tokens are checked by TokenReviews in the real
// API server "a": a ServiceAccount token of "a" is accepted (and the allow list matches its
// username), a token of "a" for the wrong audience, a garbage token and a token of cluster
// "b" (another signing key) are refused with 401; 100 identical requests, sequential and
// then concurrent, cost one TokenReview; the 401 log never holds the token.
func TestTokenReviewAgainstRealAPIServer(t *testing.T) {
	f := testcluster.Start(t, "a", "b")
	a, b := f.Cluster("a"), f.Cluster("b")
	const caller = "system:serviceaccount:capi-system:capi-controller-manager"
	goodToken := a.ServiceAccountToken(t, "capi-system", "capi-controller-manager", "fleetaudit-gate")
	otherAudience := a.ServiceAccountToken(t, "capi-system", "capi-controller-manager")
	strangerToken := a.ServiceAccountToken(t, "default", "someone", "fleetaudit-gate")
	foreignToken := b.ServiceAccountToken(t, "capi-system", "capi-controller-manager", "fleetaudit-gate")
	const garbage = "garbage-token-that-no-one-issued"

	reviewer, reviews := reviewerFor(t, a, "fleetaudit-gate")
	g := startTLSGate(t, &server.CallerAuth{Tokens: reviewer, Allow: []string{caller}}, tls.NoClientCert)
	hc := g.client(nil)
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"ServiceAccount token of the cluster", goodToken, http.StatusOK},
		{"token for another audience", otherAudience, http.StatusUnauthorized},
		{"garbage token", garbage, http.StatusUnauthorized},
		{"token of another cluster", foreignToken, http.StatusUnauthorized},
		{"authenticated, not allowed", strangerToken, http.StatusForbidden},
		{"no token", "", http.StatusUnauthorized},
	} {
		if code, body, err := g.gate(hc, tc.token); err != nil || code != tc.want {
			t.Errorf("%s: %d %s %v, want %d", tc.name, code, body, err, tc.want)
		}
	}
	if got := reviews.Load(); got != 5 {
		t.Errorf("%d TokenReviews for 5 distinct tokens", got)
	}

	reviews.Store(0)
	for range 100 {
		if code, _, err := g.gate(hc, goodToken); err != nil || code != http.StatusOK {
			t.Fatalf("repeated request: %d %v", code, err)
		}
	}
	var wg sync.WaitGroup
	var refused atomic.Int64
	for range 100 {
		wg.Go(func() {
			if code, _, err := g.gate(hc, garbage+"-2"); err != nil || code != http.StatusUnauthorized {
				refused.Add(1)
			}
		})
	}
	wg.Wait()
	if refused.Load() != 0 {
		t.Errorf("%d concurrent garbage requests were not answered 401", refused.Load())
	}
	t.Logf("TokenReviews: %d for 100 sequential requests with a cached token + 100 concurrent ones with a new garbage token", reviews.Load())
	if got := reviews.Load(); got != 1 {
		t.Errorf("%d TokenReviews, want 1 (the new garbage token once; the good one is cached)", got)
	}

	logs := g.log.String()
	for _, tok := range []string{goodToken, otherAudience, strangerToken, foreignToken, garbage} {
		if strings.Contains(logs, tok) {
			t.Fatalf("a token is in the log:\n%s", logs)
		}
	}
	if n := strings.Count(logs, `"msg":"gate caller not authenticated"`); n != 4+100 {
		t.Errorf("%d logged 401s, want %d", n, 4+100)
	}
	if !strings.Contains(logs, fmt.Sprintf(`"caller":%q`, "system:serviceaccount:default:someone")) {
		t.Errorf("the 403 is not logged with the caller:\n%s", logs)
	}
}

// TestTokenReviewFailsClosed: when the cluster cannot be asked (its API server is gone), a
// token is refused with 401, never accepted, and the cause is logged without the token.
func TestTokenReviewFailsClosed(t *testing.T) {
	f := testcluster.Start(t, "a")
	a := f.Cluster("a")
	token := a.ServiceAccountToken(t, "capi-system", "capi-controller-manager")
	reviewer, _ := reviewerFor(t, a)
	g := startTLSGate(t, &server.CallerAuth{Tokens: reviewer}, tls.NoClientCert)
	if code, _, err := g.gate(g.client(nil), token); err != nil || code != http.StatusOK {
		t.Fatalf("before the outage: %d %v", code, err)
	}
	port, err := testcluster.ClosedPort()
	if err != nil {
		t.Fatal(err)
	}
	down := rest.CopyConfig(a.Config)
	down.Host = fmt.Sprintf("https://127.0.0.1:%d", port)
	cs, _ := kubernetes.NewForConfig(down)
	reviewer.Client = cs.AuthenticationV1().TokenReviews()
	other := a.ServiceAccountToken(t, "capi-system", "other") // not cached
	code, body, err := g.gate(g.client(nil), other)
	if err != nil || code != http.StatusUnauthorized || !strings.Contains(body, "token review failed") {
		t.Errorf("review failure: %d %s %v, want 401", code, body, err)
	}
	if logs := g.log.String(); strings.Contains(logs, other) || !strings.Contains(logs, "connection refused") {
		t.Errorf("the log must hold the cause and no token:\n%s", logs)
	}
}
