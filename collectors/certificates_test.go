package collectors

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func TestParseBundleFields(t *testing.T) {
	ca := issue(t, testCert{CN: "root", IsCA: true, NotBefore: t0, NotAfter: t0.AddDate(20, 0, 0), RSABits: 2048})
	leaf := issue(t, testCert{CN: "web.shop.svc", NotBefore: t0, NotAfter: t0.AddDate(0, 0, 3), Parent: ca})
	at := facts.Certificate{Source: "webhook-ca", Kind: "ValidatingWebhookConfiguration", Name: "v", Field: "f"}
	got := ParseBundle(append(append([]byte("\n"), leaf.PEM...), ca.PEM...), at)
	nb, naLeaf, naCA := t0, t0.AddDate(0, 0, 3), t0.AddDate(20, 0, 0)
	want := []facts.Certificate{
		{Source: "webhook-ca", Kind: "ValidatingWebhookConfiguration", Name: "v", Field: "f", Index: 0, SubjectCN: "web.shop.svc", IssuerCN: "root",
			NotBefore: &nb, NotAfter: &naLeaf, KeyType: "ECDSA", KeyBits: 256, SignatureAlgorithm: "SHA256-RSA"},
		{Source: "webhook-ca", Kind: "ValidatingWebhookConfiguration", Name: "v", Field: "f", Index: 1, SubjectCN: "root", IssuerCN: "root",
			NotBefore: &nb, NotAfter: &naCA, IsCA: true, SelfSigned: true, KeyType: "RSA", KeyBits: 2048, SignatureAlgorithm: "SHA256-RSA"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseBundle:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseBundleWeakAndSelfSignedLeaf(t *testing.T) {
	weak := issue(t, testCert{CN: "old", NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0), RSABits: 1024, SigAlg: x509.SHA1WithRSA})
	got := ParseBundle(weak.PEM, facts.Certificate{})
	if len(got) != 1 {
		t.Fatalf("got %d items", len(got))
	}
	c := got[0]
	if c.KeyType != "RSA" || c.KeyBits != 1024 || c.SignatureAlgorithm != "SHA1-RSA" || !c.SelfSigned || c.IsCA {
		t.Errorf("weak self-signed leaf: %+v", c)
	}
	// A leaf signed by another key with the same subject and issuer name is not self-signed.
	other := issue(t, testCert{CN: "old", IsCA: true, NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0)})
	lookalike := issue(t, testCert{CN: "old", NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0), Parent: other})
	if c := ParseBundle(lookalike.PEM, facts.Certificate{})[0]; c.SelfSigned || c.SubjectCN != c.IssuerCN {
		t.Errorf("leaf of another key with its own name: %+v", c)
	}
}

func TestParseBundleGarbage(t *testing.T) {
	ca := issue(t, testCert{CN: "root", IsCA: true, NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0)})
	keyBlock := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("very-secret-key-bytes")})
	badDER := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	for _, tc := range []struct {
		name string
		in   []byte
		want []string // ParseError per item ("" for a certificate)
	}{
		{"empty", nil, nil},
		{"whitespace", []byte(" \n\t"), nil},
		{"not PEM", []byte("garbage"), []string{"no PEM CERTIFICATE block"}},
		{"base64 of nothing", []byte(base64.StdEncoding.EncodeToString([]byte("x"))), []string{"no PEM CERTIFICATE block"}},
		{"a private key", keyBlock, []string{"PEM block 0 is not a CERTIFICATE (RSA PRIVATE KEY)"}},
		{"bad DER after a good one", append(append([]byte{}, ca.PEM...), badDER...), []string{"", "PEM block 1: x509: malformed certificate"}},
		{"trailing text is ignored", append(append([]byte{}, ca.PEM...), "trailing"...), []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseBundle(tc.in, facts.Certificate{Name: "n"})
			var errs []string
			for _, c := range got {
				errs = append(errs, c.ParseError)
				if c.ParseError != "" && (c.NotAfter != nil || c.SubjectCN != "") {
					t.Errorf("unreadable item carries certificate fields: %+v", c)
				}
				if strings.Contains(c.ParseError, "very-secret") {
					t.Errorf("parse error echoes block content: %q", c.ParseError)
				}
			}
			if !reflect.DeepEqual(errs, tc.want) {
				t.Errorf("parse errors %q, want %q", errs, tc.want)
			}
		})
	}
}

func TestCertificateBlocksDropsTheKey(t *testing.T) {
	ca := issue(t, testCert{CN: "client", NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0)})
	key := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte("k")})
	got := certificateBlocks(append(append([]byte{}, key...), ca.PEM...))
	if string(got) != string(ca.PEM) {
		t.Errorf("certificateBlocks kept %q", got)
	}
}

func TestBuildCertificatesPlaces(t *testing.T) {
	ca := issue(t, testCert{CN: "ca", IsCA: true, NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0)})
	leaf := issue(t, testCert{CN: "apiserver", NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0), Parent: ca})
	api := &unstructured.Unstructured{Object: map[string]any{"kind": "APIService", "metadata": map[string]any{"name": "v1.metrics.k8s.io"},
		"spec": map[string]any{"caBundle": base64.StdEncoding.EncodeToString(ca.PEM)}}}
	noBundle := &unstructured.Unstructured{Object: map[string]any{"kind": "APIService", "metadata": map[string]any{"name": "v1."}}}
	notB64 := &unstructured.Unstructured{Object: map[string]any{"kind": "APIService", "metadata": map[string]any{"name": "v1.bad"},
		"spec": map[string]any{"caBundle": "%%%"}}}
	in := CertificateObjects{Cluster: "prod", ServingChain: []*x509.Certificate{leaf.Cert, ca.Cert}, ClientCert: ca.PEM,
		ValidatingWebhooks: []*admissionv1.ValidatingWebhookConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "policy"},
			Webhooks: []admissionv1.ValidatingWebhook{{Name: "a.example.com", ClientConfig: admissionv1.WebhookClientConfig{CABundle: ca.PEM}},
				{Name: "b.example.com"}}}},
		MutatingWebhooks: []*admissionv1.MutatingWebhookConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "inject"},
			Webhooks: []admissionv1.MutatingWebhook{{Name: "m.example.com", ClientConfig: admissionv1.WebhookClientConfig{CABundle: []byte("junk")}}}}},
		APIServices: []*unstructured.Unstructured{api, noBundle, notB64},
		CRDs: []*apiextv1.CustomResourceDefinition{{ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.com"},
			Spec: apiextv1.CustomResourceDefinitionSpec{Conversion: &apiextv1.CustomResourceConversion{Strategy: apiextv1.WebhookConverter,
				Webhook: &apiextv1.WebhookConversion{ClientConfig: &apiextv1.WebhookClientConfig{CABundle: ca.PEM}}}}}},
		RootCA: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: RootCAConfigMap}, Data: map[string]string{"ca.crt": string(ca.PEM)}},
	}
	got := BuildCertificates(in)
	var places []string
	for _, c := range got.Items {
		places = append(places, strings.Join([]string{c.Source, c.Kind, c.Namespace, c.Name, c.Field, c.SubjectCN, c.ParseError}, "|"))
	}
	want := []string{
		"apiservice-ca|APIService||v1.bad|spec.caBundle||caBundle is not base64",
		"apiservice-ca|APIService||v1.metrics.k8s.io|spec.caBundle|ca|",
		"apiserver-serving|Cluster||prod|apiServer.servingChain|apiserver|",
		"apiserver-serving|Cluster||prod|apiServer.servingChain|ca|",
		"kubeconfig-client|Cluster||prod|kubeconfig.client-certificate-data|ca|",
		"root-ca|ConfigMap|kube-system|kube-root-ca.crt|data[ca.crt]|ca|",
		"crd-conversion-ca|CustomResourceDefinition||widgets.example.com|spec.conversion.webhook.clientConfig.caBundle|ca|",
		"webhook-ca|MutatingWebhookConfiguration||inject|webhooks[name=m.example.com].clientConfig.caBundle||no PEM CERTIFICATE block",
		"webhook-ca|ValidatingWebhookConfiguration||policy|webhooks[name=a.example.com].clientConfig.caBundle|ca|",
	}
	if !reflect.DeepEqual(places, want) {
		t.Errorf("items:\n%s\nwant:\n%s", strings.Join(places, "\n"), strings.Join(want, "\n"))
	}
	if got.CertManager.Installed || len(got.CertManager.Certificates) != 0 || got.CSRs == nil {
		t.Errorf("cert-manager not installed, no CSRs: %+v %v", got.CertManager, got.CSRs)
	}
}

func TestCSRFacts(t *testing.T) {
	created := metav1.NewTime(t0)
	csr := func(name string, cert []byte, conds ...certv1.CertificateSigningRequestCondition) *certv1.CertificateSigningRequest {
		return &certv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: created},
			Spec:   certv1.CertificateSigningRequestSpec{SignerName: "kubernetes.io/kube-apiserver-client", Username: "alice"},
			Status: certv1.CertificateSigningRequestStatus{Conditions: conds, Certificate: cert}}
	}
	cond := func(ty certv1.RequestConditionType) certv1.CertificateSigningRequestCondition {
		return certv1.CertificateSigningRequestCondition{Type: ty, Status: corev1.ConditionTrue}
	}
	got := CSRFacts([]*certv1.CertificateSigningRequest{
		csr("pending", nil), csr("denied", nil, cond(certv1.CertificateDenied)),
		csr("approved", nil, cond(certv1.CertificateApproved)), csr("issued", []byte("x"), cond(certv1.CertificateApproved)),
		csr("failed", nil, cond(certv1.CertificateApproved), cond(certv1.CertificateFailed)),
	})
	var states []string
	for _, c := range got {
		states = append(states, c.Name+"="+c.State)
		if !c.CreatedAt.Equal(t0) || c.Username != "alice" {
			t.Errorf("csr %+v", c)
		}
	}
	if want := []string{"approved=Approved", "denied=Denied", "failed=Failed", "pending=Pending"}; !reflect.DeepEqual(states, want) {
		t.Errorf("states %v, want %v", states, want)
	}
}

func TestCertManagerFacts(t *testing.T) {
	obj := func(kind, ns, name string, status map[string]any, spec map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cert-manager.io/v1", "kind": kind,
			"metadata": map[string]any{"namespace": ns, "name": name}, "spec": spec, "status": status}}
	}
	ready := func(s, reason string) map[string]any {
		return map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": s, "reason": reason, "message": "m"}},
			"notAfter": "2027-01-01T00:00:00Z", "renewalTime": "2026-12-01T00:00:00Z"}
	}
	certs := CertManagerCertificates([]*unstructured.Unstructured{
		obj("Certificate", "shop", "web", ready("False", "Failed"), map[string]any{"issuerRef": map[string]any{"name": "le", "kind": "ClusterIssuer"}}),
		obj("Certificate", "shop", "api", map[string]any{"conditions": "not a list"}, map[string]any{"issuerRef": map[string]any{"name": "ca"}}),
	})
	na, rt := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	want := []facts.CertManagerCertificate{
		{Namespace: "shop", Name: "api", IssuerKind: "Issuer", Ready: "Unknown"},
		{Namespace: "shop", Name: "web", IssuerKind: "ClusterIssuer", IssuerName: "le", Ready: "False", Reason: "Failed", Message: "m", NotAfter: &na, RenewalTime: &rt},
	}
	if !reflect.DeepEqual(certs, want) {
		t.Errorf("certificates:\n got %+v\nwant %+v", certs, want)
	}
	issuers := CertManagerIssuers([]*unstructured.Unstructured{obj("ClusterIssuer", "", "le", ready("True", "ACMEAccountRegistered"), nil),
		obj("Issuer", "shop", "ca", nil, nil)})
	if len(issuers) != 2 || issuers[0].Kind != "ClusterIssuer" || issuers[0].Ready != "True" || issuers[1].Namespace != "shop" || issuers[1].Ready != "Unknown" {
		t.Errorf("issuers %+v", issuers)
	}
}

func TestDaysLeft(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{{0, 0}, {time.Hour, 0}, {24 * time.Hour, 1}, {71 * time.Hour, 2}, {-time.Hour, -1}, {-24 * time.Hour, -1}, {-25 * time.Hour, -2}} {
		if got := facts.DaysLeft(t0.Add(tc.d), t0); got != tc.want {
			t.Errorf("DaysLeft(%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
}

// TestServingChainVerifiesAsConfigured: the handshake reads the chain with the client's own
// TLS settings and refuses a server its CA does not vouch for (verification is never
// loosened); plain HTTP is said, not an error of the collector.
func TestServingChainVerifiesAsConfigured(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	ctx := context.Background()
	chain, err := servingChain(ctx, &rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{CAData: ca}})
	if err != nil || len(chain) != 1 || !chain[0].Equal(srv.Certificate()) {
		t.Fatalf("chain %v, err %v", chain, err)
	}
	other := issue(t, testCert{CN: "other-ca", IsCA: true, NotBefore: t0, NotAfter: t0.AddDate(10, 0, 0)})
	if _, err := servingChain(ctx, &rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{CAData: other.PEM}}); err == nil ||
		!strings.Contains(err.Error(), "TLS handshake") {
		t.Errorf("a server the configured CA does not vouch for: err %v", err)
	}
	if _, err := servingChain(ctx, &rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}); err != nil {
		t.Errorf("an insecure kubeconfig reads the chain as configured: %v", err)
	}
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	if _, err := servingChain(ctx, &rest.Config{Host: plain.URL}); err == nil || !strings.Contains(err.Error(), "not TLS") {
		t.Errorf("plain HTTP: err %v", err)
	}
}

// TestTrimCRDKeepsConversionCABundle: the shared CRD LIST's trim keeps what the certificates
// collector reads.
func TestTrimCRDKeepsConversionCABundle(t *testing.T) {
	crd := &apiextv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: "w.example.com"}, Spec: apiextv1.CustomResourceDefinitionSpec{
		Conversion: &apiextv1.CustomResourceConversion{Strategy: apiextv1.WebhookConverter, Webhook: &apiextv1.WebhookConversion{
			ClientConfig: &apiextv1.WebhookClientConfig{CABundle: []byte("bundle"), Service: &apiextv1.ServiceReference{Name: "s"}}, ConversionReviewVersions: []string{"v1"}}}}}
	want := BuildCertificates(CertificateObjects{CRDs: []*apiextv1.CustomResourceDefinition{crd.DeepCopy()}})
	trimCRD(crd)
	if got := BuildCertificates(CertificateObjects{CRDs: []*apiextv1.CustomResourceDefinition{crd}}); !reflect.DeepEqual(got, want) || len(got.Items) != 1 {
		t.Errorf("trimmed: %+v, want %+v", got.Items, want.Items)
	}
	if crd.Spec.Conversion.Webhook.ClientConfig.Service != nil || crd.Spec.Conversion.Webhook.ConversionReviewVersions != nil {
		t.Errorf("trim keeps more than the caBundle: %+v", crd.Spec.Conversion.Webhook)
	}
	none := &apiextv1.CustomResourceDefinition{Spec: apiextv1.CustomResourceDefinitionSpec{Conversion: &apiextv1.CustomResourceConversion{Strategy: apiextv1.NoneConverter}}}
	if trimCRD(none); none.Spec.Conversion != nil {
		t.Errorf("a CRD without a conversion webhook keeps %+v", none.Spec.Conversion)
	}
}
