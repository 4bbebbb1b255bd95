package server_test

import (
	"crypto/tls"
	"crypto/x509"
	"math/big"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/server"
)

// servedSerial handshakes with the gate (trusting roots) and returns the leaf's serial.
func servedSerial(t *testing.T, gateURL string, roots []byte, cert *tls.Certificate) (*big.Int, error) {
	t.Helper()
	u, _ := url.Parse(gateURL)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(roots)
	cfg := &tls.Config{RootCAs: pool}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	conn, err := tls.Dial("tcp", u.Host, cfg)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber, nil
}

func leafSerial(t *testing.T, c *tls.Certificate) *big.Int {
	x, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return x.SerialNumber
}

// TestServingCertificateReloads: a new key pair written over the served files is presented
// at the next handshakes without a restart; a broken file (half written, a key that does not
// belong to the certificate) keeps the previous pair and logs an error.
func TestServingCertificateReloads(t *testing.T) {
	g := startTLSGate(t, &server.CallerAuth{Certificates: true}, tls.RequireAndVerifyClientCert)
	me := clientCert(t, g.pki, "capi-controller")
	first, err := servedSerial(t, g.url, g.pki.CACert, me)
	if err != nil {
		t.Fatal(err)
	}
	if want := leafSerial(t, g.certs.Serving()); first.Cmp(want) != 0 {
		t.Fatalf("served %v, loaded %v", first, want)
	}
	certFile, keyFile := filepath.Join(g.dir, "tls.crt"), filepath.Join(g.dir, "tls.key")
	writePair(t, certFile, keyFile, func() ([]byte, []byte, error) { return g.pki.ServingPair("fleetaudit") })
	second := waitForSerial(t, g, me, func(s *big.Int) bool { return s.Cmp(first) != 0 })

	// A half-written certificate, then a certificate whose key is not in the key file.
	c, _, _ := g.pki.ServingPair("fleetaudit")
	writeFile(t, certFile, c[:len(c)/2])
	waitForLog(t, g, "reload serving certificate: keeping the previous one", 1)
	writeFile(t, certFile, c)
	waitForLog(t, g, "reload serving certificate: keeping the previous one", 2)
	for range 3 {
		if s, err := servedSerial(t, g.url, g.pki.CACert, me); err != nil || s.Cmp(second) != 0 {
			t.Fatalf("after broken files: served %v (%v), want the previous %v", s, err, second)
		}
	}
	// Writing the matching key completes the pair.
	writePair(t, certFile, keyFile, func() ([]byte, []byte, error) { return g.pki.ServingPair("fleetaudit") })
	waitForSerial(t, g, me, func(s *big.Int) bool { return s.Cmp(second) != 0 })
}

// TestClientCAReloads: replacing the client CA bundle admits the new CA's clients and stops
// admitting the old one's, without a restart; an empty bundle keeps the previous one.
func TestClientCAReloads(t *testing.T) {
	g := startTLSGate(t, &server.CallerAuth{Certificates: true}, tls.RequireAndVerifyClientCert)
	oldClient := clientCert(t, g.pki, "capi-controller")
	next := newPKI(t)
	newClient := clientCert(t, next, "capi-controller")
	if _, _, err := g.gate(g.client(newClient), ""); err == nil {
		t.Fatal("a client of a CA not yet in the bundle got in")
	}
	writeFile(t, filepath.Join(g.dir, "ca.crt"), next.CACert)
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _, err := g.gate(g.client(newClient), "")
		if err == nil && code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new CA's client is still refused: %d %v", code, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, _, err := g.gate(g.client(oldClient), ""); err == nil || !strings.Contains(err.Error(), "unknown certificate authority") {
		t.Errorf("the removed CA's client: %v", err)
	}
	writeFile(t, filepath.Join(g.dir, "ca.crt"), []byte("not a certificate\n"))
	waitForLog(t, g, "reload client CA: keeping the previous one", 1)
	if code, _, err := g.gate(g.client(newClient), ""); err != nil || code != 200 {
		t.Errorf("after a broken bundle the previous one must still apply: %d %v", code, err)
	}
}

func waitForSerial(t *testing.T, g *tlsGate, me *tls.Certificate, ok func(*big.Int) bool) *big.Int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := servedSerial(t, g.url, g.pki.CACert, me)
		if err == nil && ok(s) {
			if want := leafSerial(t, g.certs.Serving()); s.Cmp(want) != 0 {
				t.Fatalf("served %v, loaded %v", s, want)
			}
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new certificate is not served after 10s (last %v, %v)", s, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitForLog(t *testing.T, g *tlsGate, msg string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(g.log.String(), msg) < n {
		if time.Now().After(deadline) {
			t.Fatalf("want %d log lines %q, got:\n%s", n, msg, g.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
