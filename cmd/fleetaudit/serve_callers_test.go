package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// TestServeRefusesUnauthenticatedGate: with the gate endpoints on and no way to
// authenticate callers, serve does not start and says which flags to add.
func TestServeRefusesUnauthenticatedGate(t *testing.T) {
	dir := t.TempDir()
	pki, err := testcluster.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	c, k, _ := pki.ServingPair("fleetaudit")
	write(t, filepath.Join(dir, "tls.crt"), string(c))
	write(t, filepath.Join(dir, "tls.key"), string(k))
	code, out, errOut := runCLI(t, "serve", "--demo", "--listen", freeAddr(t), "--tls-listen", freeAddr(t),
		"--tls-cert", filepath.Join(dir, "tls.crt"), "--tls-key", filepath.Join(dir, "tls.key"))
	if code != exitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{"--client-ca", "--token-review-context", "--allow-unauthenticated-callers"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the message must name %s: %s", want, errOut)
		}
	}
	if code, _, errOut := runCLI(t, "serve", "--demo", "--client-ca", filepath.Join(dir, "tls.crt")); code != exitUsage || !strings.Contains(errOut, "--tls-cert") {
		t.Errorf("--client-ca without the gate endpoints: %d %s", code, errOut)
	}
}

// serveGate runs serve with the gate endpoints and extra flags until the test ends; it returns
// the gate's base URL, the PKI that signed everything, and serve's stderr.
func serveGate(t *testing.T, extra ...string) (string, *testcluster.PKI, func() string) {
	t.Helper()
	dir := t.TempDir()
	pki, err := testcluster.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	c, k, _ := pki.ServingPair("fleetaudit")
	write(t, filepath.Join(dir, "tls.crt"), string(c))
	write(t, filepath.Join(dir, "tls.key"), string(k))
	write(t, filepath.Join(dir, "ca.crt"), string(pki.CACert))
	write(t, filepath.Join(dir, "profile.yaml"), "apiVersion: fleetaudit.io/v1alpha1\nkind: ClusterProfile\nmetadata: {name: next}\nspec:\n  version: 1.0.0\n  kubernetesVersion: v1.35.0\n  selector: {clusters: [\"*\"]}\n")
	for i, a := range extra {
		extra[i] = strings.ReplaceAll(a, "$DIR", dir)
	}
	gateAddr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var code int
	var out, errOut syncBuilder
	wg.Go(func() {
		code = run(ctx, append([]string{"serve", "--demo", "--listen", freeAddr(t), "--interval", "1h", "--tls-listen", gateAddr,
			"--tls-cert", filepath.Join(dir, "tls.crt"), "--tls-key", filepath.Join(dir, "tls.key"), "--profile", filepath.Join(dir, "profile.yaml")}, extra...), &out, &errOut)
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if code != exitOK {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "https://") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "https://" + gateAddr, pki, errOut.String
}

type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func postGate(url string, pki *testcluster.PKI, cert *tls.Certificate) (int, error) {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.CACert)
	cfg := &tls.Config{RootCAs: pool}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
	resp, err := hc.Post(url+"/v1/gate", "application/json", strings.NewReader(`{}`))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestServeAllowUnauthenticatedCallers: the explicit opt-out starts, warns, and serves anyone.
func TestServeAllowUnauthenticatedCallers(t *testing.T) {
	url, pki, stderr := serveGate(t, "--allow-unauthenticated-callers")
	if code, err := postGate(url, pki, nil); err != nil || code != http.StatusOK {
		t.Errorf("anonymous caller: %d %v", code, err)
	}
	if !strings.Contains(stderr(), "unauthenticated callers") {
		t.Errorf("no warning logged: %s", stderr())
	}
}

// TestServeClientCA: serve --client-ca --gate-allow admits the allowed client certificate,
// refuses one not allowed (403) and a caller without a certificate (handshake).
func TestServeClientCA(t *testing.T) {
	url, pki, _ := serveGate(t, "--client-ca", "$DIR/ca.crt", "--gate-allow", "capi-controller")
	cert := func(cn string) *tls.Certificate {
		c, k, _ := pki.ClientPair(cn)
		pair, err := tls.X509KeyPair(c, k)
		if err != nil {
			t.Fatal(err)
		}
		return &pair
	}
	if code, err := postGate(url, pki, cert("capi-controller")); err != nil || code != http.StatusOK {
		t.Errorf("allowed client: %d %v", code, err)
	}
	if code, err := postGate(url, pki, cert("someone-else")); err != nil || code != http.StatusForbidden {
		t.Errorf("client not allowed: %d %v", code, err)
	}
	if _, err := postGate(url, pki, nil); err == nil || !strings.Contains(err.Error(), "certificate required") {
		t.Errorf("no client certificate: %v", err)
	}
}

// TestServeHookListener: --hook-listen serves the Cluster API hook alone, over TLS without a
// client certificate (Cluster API presents none), answers from the operator's bindings, and
// records nothing in the decision history; the gate listener still refuses such callers.
func TestServeHookListener(t *testing.T) {
	hookAddr, history := freeAddr(t), t.TempDir()
	url, pki, _ := serveGate(t, "--client-ca", "$DIR/ca.crt", "--hook-listen", hookAddr,
		"--bindings", "../../examples/bindings.yaml", "--profile", "../../examples/profiles", "--decision-dir", history)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.CACert)
	hc := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	post := func(base, path, body string) (int, string) {
		t.Helper()
		resp, err := hc.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	hook := "https://" + hookAddr
	const prefix = "/hooks.runtime.cluster.x-k8s.io/v1alpha1"
	if code, body := post(hook, prefix+"/discovery", `{"apiVersion":"hooks.runtime.cluster.x-k8s.io/v1alpha1","kind":"DiscoveryRequest"}`); code != http.StatusOK || !strings.Contains(body, `"BeforeClusterUpgrade"`) {
		t.Fatalf("discovery without a client certificate: %d %s", code, body)
	}
	// The object cannot pick a lenient profile: the bindings hold prod-eu-west.
	const hookPath = prefix + "/beforeclusterupgrade/fleetaudit-gate"
	req := func(annotations string) string {
		return `{"apiVersion":"hooks.runtime.cluster.x-k8s.io/v1alpha1","kind":"BeforeClusterUpgradeRequest",` +
			`"cluster":{"metadata":{"name":"eu-west","namespace":"capi-prod"` + annotations + `}},` +
			`"fromKubernetesVersion":"v1.33.5","toKubernetesVersion":"v1.35.0"}`
	}
	if code, body := post(hook, hookPath, req(`,"annotations":{"fleetaudit.io/profile":"edge"}`)); code != http.StatusOK ||
		!strings.Contains(body, `"Failure"`) || !strings.Contains(body, "an object cannot choose its profile") {
		t.Errorf("lenient annotation: %d %s", code, body)
	}
	// prod-eu-west runs v1.33.5: two minors at once is never allowed (held, once audited).
	var code int
	var body string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		code, body = post(hook, hookPath, req(""))
		if strings.Contains(body, "minor") || time.Now().After(deadline) {
			break
		}
	}
	if code != http.StatusOK || !strings.Contains(body, `"retryAfterSeconds"`) || !strings.Contains(body, "prod-eu-west is not ready for v1.35.0") || !strings.Contains(body, "minor") {
		t.Errorf("hook answer: %d %s", code, body)
	}
	for _, path := range []string{"/v1/gate", "/validate/clusters"} {
		if code, _ := post(hook, path, `{}`); code != http.StatusNotFound {
			t.Errorf("%s on the hook listener: %d, want 404 (only the hook is served without authentication)", path, code)
		}
	}
	if _, err := postGate(url, pki, nil); err == nil || !strings.Contains(err.Error(), "certificate required") {
		t.Errorf("the gate listener must still refuse a caller without a certificate: %v", err)
	}
	if entries, _ := os.ReadDir(history); len(entries) != 0 {
		t.Errorf("the unauthenticated hook wrote the decision history: %v", entries)
	}
}
