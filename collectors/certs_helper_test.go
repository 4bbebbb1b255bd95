package collectors

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"
)

// testCert is a certificate to generate for a test: validity from NotBefore to NotAfter,
// signed by Parent (self-signed when nil).
type testCert struct {
	CN        string
	IsCA      bool
	NotBefore time.Time
	NotAfter  time.Time
	RSABits   int // 0: ECDSA P-256
	SigAlg    x509.SignatureAlgorithm
	Parent    *issued
}

// issued is a generated certificate with its key (the key stays in the test).
type issued struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	PEM  []byte
}

func issue(t testing.TB, c testCert) *issued {
	t.Helper()
	var key crypto.Signer
	var err error
	if c.RSABits > 0 {
		key, err = rsa.GenerateKey(rand.Reader, c.RSABits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: c.CN},
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, SignatureAlgorithm: c.SigAlg,
		BasicConstraintsValid: true, IsCA: c.IsCA, DNSNames: []string{c.CN}}
	if c.IsCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	}
	parent, signer := tmpl, key
	if c.Parent != nil {
		parent, signer = c.Parent.Cert, c.Parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &issued{Cert: x, Key: key, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}
