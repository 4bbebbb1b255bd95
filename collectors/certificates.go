package collectors

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"slices"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Certificates collects the certificates that can be read without a Secret: the API
// server's serving chain (a TLS handshake with the audit's own settings, verification as
// configured), the caBundles of webhook configurations, APIServices and CRD conversion
// webhooks, the kube-system/kube-root-ca.crt ConfigMap (one GET by name), the kubeconfig's
// client certificate (the certificate only: the key is never read), cert-manager's
// Certificates and issuers when its CRDs are installed, and unissued CSRs.
type Certificates struct{}

// Name implements Collector.
func (Certificates) Name() string { return "certificates" }

// Writes implements Writer.
func (Certificates) Writes() []string { return []string{"certificates"} }

// Needs implements Needer: the CRD LIST is shared with upgrade.
func (Certificates) Needs() []string { return []string{"customresourcedefinitions"} }

// RootCAConfigMap is the ConfigMap in kube-system that holds the cluster's root CA (ca.crt),
// published by kube-controller-manager into every namespace.
const RootCAConfigMap = "kube-root-ca.crt"

// CertificateObjects are the raw inputs of the certificates facts.
type CertificateObjects struct {
	// Cluster names the Kind "Cluster" items (serving chain, client certificate).
	Cluster string
	// ServingChain is the API server's chain, leaf first; ServingError why it is missing.
	ServingChain []*x509.Certificate
	ServingError string
	// ClientCert is the kubeconfig's client certificate PEM (certificate blocks only).
	ClientCert         []byte
	ValidatingWebhooks []*admissionv1.ValidatingWebhookConfiguration
	MutatingWebhooks   []*admissionv1.MutatingWebhookConfiguration
	APIServices        []*unstructured.Unstructured
	CRDs               []*apiextv1.CustomResourceDefinition
	RootCA             *corev1.ConfigMap
	CSRs               []*certv1.CertificateSigningRequest
	// CertManager is whether cert-manager.io/v1 Certificates are served; then its
	// Certificates, Issuers and ClusterIssuers are listed.
	CertManager        bool
	CertManagerCerts   []*unstructured.Unstructured
	CertManagerIssuers []*unstructured.Unstructured
}

// Collect implements Collector.
func (x Certificates) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	in := CertificateObjects{Cluster: c.Name}
	if t.Config != nil {
		var err error
		if in.ServingChain, err = servingChain(ctx, t.Config); err != nil {
			in.ServingError = err.Error()
		}
		cert, err := clientCertPEM(t.Config)
		if err != nil {
			return err
		}
		in.ClientCert = cert
	}
	err := parallel(
		func() error {
			return listEach(ctx, t, "validatingwebhookconfigurations", func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return t.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().List(ctx, o)
			}, func() { in.ValidatingWebhooks = nil }, func(w *admissionv1.ValidatingWebhookConfiguration) {
				in.ValidatingWebhooks = append(in.ValidatingWebhooks, w)
			})
		},
		func() error {
			return listEach(ctx, t, "mutatingwebhookconfigurations", func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return t.Client.AdmissionregistrationV1().MutatingWebhookConfigurations().List(ctx, o)
			}, func() { in.MutatingWebhooks = nil }, func(w *admissionv1.MutatingWebhookConfiguration) {
				in.MutatingWebhooks = append(in.MutatingWebhooks, w)
			})
		},
		func() error {
			return listEach(ctx, t, "apiservices", listPath(t, "/apis/apiregistration.k8s.io/v1/apiservices"),
				func() { in.APIServices = nil }, func(u *unstructured.Unstructured) { in.APIServices = append(in.APIServices, u) })
		},
		func() error {
			return listEach(ctx, t, "certificatesigningrequests", func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return t.Client.CertificatesV1().CertificateSigningRequests().List(ctx, o)
			}, func() { in.CSRs = nil }, func(r *certv1.CertificateSigningRequest) { in.CSRs = append(in.CSRs, r) })
		},
		func() error {
			cm, err := t.Client.CoreV1().ConfigMaps(metav1.NamespaceSystem).Get(ctx, RootCAConfigMap, metav1.GetOptions{})
			switch {
			case apierrors.IsNotFound(err):
				return nil
			case err != nil:
				return fmt.Errorf("get configmap %s/%s: %w", metav1.NamespaceSystem, RootCAConfigMap, err)
			}
			in.RootCA = cm
			return nil
		},
		func() error {
			return each(ctx, t, "customresourcedefinitions", func(c *apiextv1.CustomResourceDefinition) { in.CRDs = append(in.CRDs, c) })
		},
	)
	if err != nil {
		return err
	}
	x.rememberListed(t, in)
	if in.CertManager = certManagerServed(in.CRDs); in.CertManager {
		if err := listCertManager(ctx, t, &in); err != nil {
			return err
		}
	}
	c.Certificates = BuildCertificates(in)
	return nil
}

// rememberListed hands the metadata of what was listed to the upgrade collector's
// API-version scan, which then lists none of it again.
func (Certificates) rememberListed(t Target, in CertificateObjects) {
	admission := admissionv1.SchemeGroupVersion
	t.remember(admission, "ValidatingWebhookConfiguration", metas(in.ValidatingWebhooks, func(x *admissionv1.ValidatingWebhookConfiguration) metav1.ObjectMeta { return x.ObjectMeta }))
	t.remember(admission, "MutatingWebhookConfiguration", metas(in.MutatingWebhooks, func(x *admissionv1.MutatingWebhookConfiguration) metav1.ObjectMeta { return x.ObjectMeta }))
	t.remember(certv1.SchemeGroupVersion, "CertificateSigningRequest", metas(in.CSRs, func(x *certv1.CertificateSigningRequest) metav1.ObjectMeta { return x.ObjectMeta }))
	t.remember(schema.GroupVersion{Group: "apiregistration.k8s.io", Version: "v1"}, "APIService", metas(in.APIServices, func(u *unstructured.Unstructured) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: u.GetName(), Annotations: u.GetAnnotations(), ManagedFields: u.GetManagedFields()}
	}))
}

// servingChain makes a TLS handshake with the API server using the client's own TLS
// settings (CA, server name, client certificate; verification exactly as configured) and
// returns the chain the server presented.
func servingChain(ctx context.Context, cfg *rest.Config) ([]*x509.Certificate, error) {
	u, _, err := rest.DefaultServerUrlFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("server URL: %w", err)
	}
	if u.Scheme != "https" {
		return nil, fmt.Errorf("the API server is reached over %s, not TLS", u.Scheme)
	}
	tc, err := rest.TLSConfigFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("TLS settings: %w", err)
	}
	if tc == nil {
		tc = &tls.Config{} // https with the system's roots: still verified
	}
	tc = tc.Clone()
	if tc.ServerName == "" {
		tc.ServerName = u.Hostname()
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "443")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var raw net.Conn
	if cfg.Dial != nil {
		raw, err = cfg.Dial(ctx, "tcp", addr)
	} else {
		raw, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	conn := tls.Client(raw, tc)
	defer conn.Close()
	if err := conn.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
	}
	return conn.ConnectionState().PeerCertificates, nil
}

// clientCertPEM is the kubeconfig's client certificate (CertData, else the CertFile's
// content), or nil. Only the certificate is read; KeyData and KeyFile are not touched.
func clientCertPEM(cfg *rest.Config) ([]byte, error) {
	if len(cfg.CertData) > 0 {
		return cfg.CertData, nil
	}
	if cfg.CertFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(cfg.CertFile)
	if err != nil {
		return nil, fmt.Errorf("read client certificate: %w", err)
	}
	return b, nil
}

// BuildCertificates computes the certificates facts from raw objects.
func BuildCertificates(in CertificateObjects) *facts.Certificates {
	out := &facts.Certificates{Items: []facts.Certificate{}, ServingError: in.ServingError, CSRs: CSRFacts(in.CSRs),
		CertManager: facts.CertManager{Installed: in.CertManager, Certificates: []facts.CertManagerCertificate{}, Issuers: []facts.Issuer{}}}
	cluster := facts.Certificate{Kind: "Cluster", Name: in.Cluster}
	if len(in.ServingChain) > 0 {
		at := cluster
		at.Source, at.Field = "apiserver-serving", "apiServer.servingChain"
		out.Items = append(out.Items, ChainFacts(in.ServingChain, at)...)
	}
	if len(in.ClientCert) > 0 {
		at := cluster
		at.Source, at.Field = "kubeconfig-client", "kubeconfig.client-certificate-data"
		out.Items = append(out.Items, ParseBundle(certificateBlocks(in.ClientCert), at)...)
	}
	admission := admissionv1.SchemeGroupVersion.String()
	for _, w := range in.ValidatingWebhooks {
		for _, h := range w.Webhooks {
			at := facts.Certificate{Source: "webhook-ca", Kind: "ValidatingWebhookConfiguration", APIVersion: admission, Name: w.Name,
				Field: "webhooks[name=" + h.Name + "].clientConfig.caBundle"}
			out.Items = append(out.Items, ParseBundle(h.ClientConfig.CABundle, at)...)
		}
	}
	for _, w := range in.MutatingWebhooks {
		for _, h := range w.Webhooks {
			at := facts.Certificate{Source: "webhook-ca", Kind: "MutatingWebhookConfiguration", APIVersion: admission, Name: w.Name,
				Field: "webhooks[name=" + h.Name + "].clientConfig.caBundle"}
			out.Items = append(out.Items, ParseBundle(h.ClientConfig.CABundle, at)...)
		}
	}
	for _, a := range in.APIServices {
		at := facts.Certificate{Source: "apiservice-ca", Kind: "APIService", APIVersion: "apiregistration.k8s.io/v1", Name: a.GetName(), Field: "spec.caBundle"}
		s, _, _ := unstructured.NestedString(a.Object, "spec", "caBundle")
		if s == "" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			at.ParseError = "caBundle is not base64"
			out.Items = append(out.Items, at)
			continue
		}
		out.Items = append(out.Items, ParseBundle(b, at)...)
	}
	for _, crd := range in.CRDs {
		if cv := crd.Spec.Conversion; cv != nil && cv.Webhook != nil && cv.Webhook.ClientConfig != nil {
			at := facts.Certificate{Source: "crd-conversion-ca", Kind: "CustomResourceDefinition", APIVersion: "apiextensions.k8s.io/v1",
				Name: crd.Name, Field: "spec.conversion.webhook.clientConfig.caBundle"}
			out.Items = append(out.Items, ParseBundle(cv.Webhook.ClientConfig.CABundle, at)...)
		}
	}
	if cm := in.RootCA; cm != nil {
		at := facts.Certificate{Source: "root-ca", Kind: "ConfigMap", APIVersion: "v1", Namespace: cm.Namespace, Name: cm.Name, Field: "data[ca.crt]"}
		out.Items = append(out.Items, ParseBundle([]byte(cm.Data["ca.crt"]), at)...)
	}
	slices.SortStableFunc(out.Items, func(a, b facts.Certificate) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Field, b.Field), cmp.Compare(a.Index, b.Index))
	})
	if in.CertManager {
		out.CertManager.Certificates = CertManagerCertificates(in.CertManagerCerts)
		out.CertManager.Issuers = CertManagerIssuers(in.CertManagerIssuers)
	}
	return out
}

// certificateBlocks keeps only the CERTIFICATE blocks of a PEM file, so a kubeconfig client
// file that also holds the private key never has the key's block looked at again.
func certificateBlocks(b []byte) []byte {
	var out []byte
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return out
		}
		if block.Type == "CERTIFICATE" {
			out = append(out, pem.EncodeToMemory(block)...)
		}
	}
}

// CSRFacts converts the CertificateSigningRequests that were not issued, sorted by name.
func CSRFacts(csrs []*certv1.CertificateSigningRequest) []facts.CSR {
	out := []facts.CSR{}
	for _, r := range csrs {
		state := "Pending"
		for _, c := range r.Status.Conditions {
			if c.Status != corev1.ConditionTrue && c.Status != "" {
				continue
			}
			switch c.Type {
			case certv1.CertificateDenied:
				state = "Denied"
			case certv1.CertificateFailed:
				if state != "Denied" {
					state = "Failed"
				}
			case certv1.CertificateApproved:
				if state == "Pending" {
					state = "Approved"
				}
			}
		}
		if state == "Approved" && len(r.Status.Certificate) > 0 {
			continue // issued
		}
		out = append(out, facts.CSR{Name: r.Name, SignerName: r.Spec.SignerName, Username: r.Spec.Username, State: state,
			CreatedAt: r.CreationTimestamp.UTC()})
	}
	slices.SortFunc(out, func(a, b facts.CSR) int { return cmp.Compare(a.Name, b.Name) })
	return out
}
