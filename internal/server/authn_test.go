package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/demo"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/server"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// syncBuffer is a log sink that tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tlsGate is the real gate handler behind CallerAuth, served with Certs on loopback.
type tlsGate struct {
	url   string
	dir   string // holds tls.crt, tls.key, ca.crt
	pki   *testcluster.PKI
	certs *server.Certs
	log   *syncBuffer
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func newPKI(t *testing.T) *testcluster.PKI {
	t.Helper()
	p, err := testcluster.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writePair(t *testing.T, certFile, keyFile string, pair func() ([]byte, []byte, error)) {
	t.Helper()
	c, k, err := pair()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, certFile, c)
	writeFile(t, keyFile, k)
}

// startTLSGate serves the demo fleet's gate over TLS, with client certificates verified
// against a CA file (the same PKI that signs the serving certificate) and auth in front.
func startTLSGate(t *testing.T, auth *server.CallerAuth, clientAuth tls.ClientAuthType) *tlsGate {
	t.Helper()
	g := &tlsGate{dir: t.TempDir(), pki: newPKI(t), log: &syncBuffer{}}
	files := server.CertFiles{Cert: filepath.Join(g.dir, "tls.crt"), Key: filepath.Join(g.dir, "tls.key"), ClientCA: filepath.Join(g.dir, "ca.crt")}
	writePair(t, files.Cert, files.Key, func() ([]byte, []byte, error) { return g.pki.ServingPair("fleetaudit") })
	writeFile(t, files.ClientCA, g.pki.CACert)
	log := slog.New(slog.NewJSONHandler(g.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	if g.certs, err = server.LoadCerts(files, log); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan error, 1)
	go func() { watched <- g.certs.Run(ctx) }()
	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	auth.Log = log
	p, err := profile.Parse("profile.yaml", []byte(profileDoc))
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Engine: engine, Profiles: []*profile.Profile{p}, Jobs: demo.Jobs, Options: fleet.Options{}, Callers: auth})
	l, err := tls.Listen("tcp", "127.0.0.1:0", g.certs.TLSConfig(clientAuth))
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.GateHandler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(l) }()
	t.Cleanup(func() {
		_ = hs.Close()
		cancel()
		if err := <-watched; err != nil {
			t.Errorf("certificate watcher: %v", err)
		}
	})
	g.url = "https://" + l.Addr().String()
	return g
}

// client trusts the gate's CA and presents cert (nil: none).
func (g *tlsGate) client(cert *tls.Certificate) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(g.pki.CACert)
	cfg := &tls.Config{RootCAs: pool}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg, DisableKeepAlives: true}}
}

func clientCert(t *testing.T, p *testcluster.PKI, cn string, groups ...string) *tls.Certificate {
	t.Helper()
	c, k, err := p.ClientPair(cn, groups...)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(c, k)
	if err != nil {
		t.Fatal(err)
	}
	return &cert
}

// gate posts an empty gate request with an optional bearer token; err is a transport error.
func (g *tlsGate) gate(c *http.Client, token string) (status int, body string, err error) {
	req, _ := http.NewRequest(http.MethodPost, g.url+"/v1/gate", strings.NewReader(`{"clusters": ["prod-eu"]}`))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// TestMutualTLSOnly: with client certificates as the only way in, a certificate from the
// configured CA reaches the gate; no certificate, or one from another CA, fails the TLS
// handshake (the server requires and verifies one).
func TestMutualTLSOnly(t *testing.T) {
	g := startTLSGate(t, &server.CallerAuth{Certificates: true}, tls.RequireAndVerifyClientCert)

	code, body, err := g.gate(g.client(clientCert(t, g.pki, "capi-controller")), "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("certificate from the configured CA: %d %s %v", code, body, err)
	}
	var resp server.GateResponse
	if err := json.Unmarshal([]byte(body), &resp); err != nil || len(resp.Decisions) != 1 || resp.Decisions[0].Cluster != "prod-eu" {
		t.Errorf("the normal gate answer: %v %s", err, body)
	}

	if code, _, err := g.gate(g.client(nil), ""); err == nil {
		t.Errorf("no certificate: got HTTP %d, want a handshake error", code)
	} else if !strings.Contains(err.Error(), "certificate required") {
		t.Errorf("no certificate: %v, want the server's certificate-required alert", err)
	}
	other := newPKI(t)
	if code, _, err := g.gate(g.client(clientCert(t, other, "capi-controller")), ""); err == nil {
		t.Errorf("certificate from another CA: got HTTP %d, want a handshake error", code)
	} else if !strings.Contains(err.Error(), "unknown certificate authority") {
		t.Errorf("certificate from another CA: %v, want the server's unknown-CA alert", err)
	}
	// A serving (not client-auth) certificate of the right CA is refused too.
	c, k, _ := g.pki.ServingPair("fleetaudit")
	serving, _ := tls.X509KeyPair(c, k)
	if code, _, err := g.gate(g.client(&serving), ""); err == nil {
		t.Errorf("server-auth certificate used as a client certificate: HTTP %d", code)
	}
}

// fakeTokens accepts one token as user "robot" in group "robots".
type fakeTokens struct{ good string }

func (f fakeTokens) AuthenticateToken(_ context.Context, token string) (server.Caller, error) {
	if token == f.good {
		return server.Caller{Name: "robot", Groups: []string{"robots"}}, nil
	}
	return server.Caller{}, errors.New("token not authenticated")
}

// TestCertificateOrTokenAndAllowList: with tokens accepted too, a missing certificate is an
// HTTP 401 (JSON, logged once without the token) instead of a handshake error; a certificate
// of another CA still fails the handshake; --gate-allow turns authenticated but unlisted
// callers into 403.
func TestCertificateOrTokenAndAllowList(t *testing.T) {
	const good, bad = "good-token-1234567890", "stolen-token-0987654321"
	g := startTLSGate(t, &server.CallerAuth{Certificates: true, Tokens: fakeTokens{good},
		Allow: []string{"capi-controller", "robots"}}, tls.VerifyClientCertIfGiven)

	for _, tc := range []struct {
		name  string
		cert  *tls.Certificate
		token string
		want  int
	}{
		{"allowed certificate CN", clientCert(t, g.pki, "capi-controller"), "", http.StatusOK},
		{"allowed certificate O", clientCert(t, g.pki, "someone", "robots"), "", http.StatusOK},
		{"certificate not allowed", clientCert(t, g.pki, "intruder", "staff"), "", http.StatusForbidden},
		{"token of an allowed group", nil, good, http.StatusOK},
		{"refused token", nil, bad, http.StatusUnauthorized},
		{"nothing", nil, "", http.StatusUnauthorized},
	} {
		code, body, err := g.gate(g.client(tc.cert), tc.token)
		if err != nil || code != tc.want {
			t.Errorf("%s: %d %s %v, want %d", tc.name, code, body, err, tc.want)
			continue
		}
		if code != http.StatusOK {
			var e map[string]string
			if err := json.Unmarshal([]byte(body), &e); err != nil || e["error"] == "" {
				t.Errorf("%s: error body is not JSON {error}: %s", tc.name, body)
			}
		}
	}
	if _, _, err := g.gate(g.client(clientCert(t, newPKI(t), "capi-controller")), good); err == nil ||
		!strings.Contains(err.Error(), "unknown certificate authority") {
		t.Errorf("a certificate of another CA must fail the handshake even with a good token: %v", err)
	}

	logs := g.log.String()
	if strings.Contains(logs, bad) || strings.Contains(logs, good) {
		t.Errorf("a token was logged:\n%s", logs)
	}
	var refused []map[string]any
	for line := range strings.SplitSeq(logs, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "gate caller not authenticated" {
			refused = append(refused, m)
		}
	}
	if len(refused) != 2 || refused[0]["path"] != "/v1/gate" || refused[0]["remote"] == "" || refused[0]["reason"] != "token not authenticated" {
		t.Errorf("want one log line per 401 with path, remote and reason: %v", refused)
	}
}
