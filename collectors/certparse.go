package collectors

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// maxNameLen bounds the common names kept from a certificate (a hostile bundle could carry
// megabytes of them).
const maxNameLen = 256

// ParseBundle reads a PEM bundle (a caBundle, a ConfigMap's ca.crt, a kubeconfig's
// client-certificate-data) into one fact per certificate, each a copy of at (which says where
// the bundle is) with Index and the certificate's fields set. It never fails: an empty bundle
// has no certificates; a bundle with no PEM block, a block that is not a CERTIFICATE or a
// certificate that does not parse becomes an item with ParseError. The content of a block
// that is not a certificate (a private key pasted by mistake) is never kept or echoed.
func ParseBundle(data []byte, at facts.Certificate) []facts.Certificate {
	rest := bytes.TrimSpace(data)
	if len(rest) == 0 {
		return nil
	}
	var out []facts.Certificate
	for i := 0; ; i++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		c := at
		c.Index = i
		switch {
		case block.Type != "CERTIFICATE":
			c.ParseError = fmt.Sprintf("PEM block %d is not a CERTIFICATE (%s)", i, blockType(block.Type))
		default:
			x, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				c.ParseError = fmt.Sprintf("PEM block %d: %s", i, truncate(err.Error(), maxNameLen))
			} else {
				c = CertificateFact(x, c)
			}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		c := at
		c.ParseError = "no PEM CERTIFICATE block"
		out = append(out, c)
	}
	return out
}

// ChainFacts converts a TLS peer's chain (leaf first), each a copy of at with Index set.
func ChainFacts(chain []*x509.Certificate, at facts.Certificate) []facts.Certificate {
	out := make([]facts.Certificate, 0, len(chain))
	for i, x := range chain {
		c := at
		c.Index = i
		out = append(out, CertificateFact(x, c))
	}
	return out
}

// CertificateFact fills at with a parsed certificate's fields.
func CertificateFact(x *x509.Certificate, at facts.Certificate) facts.Certificate {
	nb, na := x.NotBefore.UTC(), x.NotAfter.UTC()
	at.SubjectCN = truncate(x.Subject.CommonName, maxNameLen)
	at.IssuerCN = truncate(x.Issuer.CommonName, maxNameLen)
	at.NotBefore, at.NotAfter = &nb, &na
	at.IsCA = x.BasicConstraintsValid && x.IsCA
	at.SelfSigned = selfSigned(x)
	at.KeyType, at.KeyBits = keyOf(x)
	at.SignatureAlgorithm = x.SignatureAlgorithm.String()
	return at
}

// selfSigned: the issuer is the subject and the signature checks out with the certificate's
// own key. (CheckSignatureFrom would refuse a self-signed leaf, which is not a CA.) A SHA-1
// or MD5 signature, which Go no longer checks, counts by name alone.
func selfSigned(x *x509.Certificate) bool {
	if !bytes.Equal(x.RawIssuer, x.RawSubject) {
		return false
	}
	err := x.CheckSignature(x.SignatureAlgorithm, x.RawTBSCertificate, x.Signature)
	var insecure x509.InsecureAlgorithmError
	return err == nil || errors.As(err, &insecure)
}

// keyOf is the public key's type and size in bits.
func keyOf(x *x509.Certificate) (string, int) {
	switch k := x.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		if k.Curve == nil {
			return "ECDSA", 0
		}
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	return "unknown", 0
}

// blockType names a PEM block's type in a message, bounded and printable.
func blockType(t string) string {
	b := []byte(truncate(t, 40))
	for i, c := range b {
		if c < ' ' || c > '~' {
			b[i] = '?'
		}
	}
	return string(b)
}

// truncate bounds s to about n bytes, as valid UTF-8.
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
