package collectors

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

const day = 24 * time.Hour

// TestCertificatesOnRealCluster seeds a real API server with webhook configurations,
// APIServices and a CRD whose CA bundles were generated here (one expiring in 3 days, valid
// ones, a self-signed leaf valid for 20 years, garbage), kube-system/kube-root-ca.crt,
// cert-manager's published CRDs with Certificates and issuers (Ready and not, set through
// the status subresource) and a pending CSR; then collects with the admin's REST config plus
// a kubeconfig client certificate, and checks the facts and the exact certificate findings:
// none on the healthy look-alikes.
func TestCertificatesOnRealCluster(t *testing.T) {
	f := testcluster.Start(t, "certs")
	cl := f.Clusters[0]
	ctx := context.Background()
	cs := cl.Admin
	create := metav1.CreateOptions{}
	now := time.Now().UTC()

	expiring := issue(t, testCert{CN: "expiring-ca", IsCA: true, NotBefore: now.Add(-300 * day), NotAfter: now.Add(3*day + time.Hour)})
	healthy := issue(t, testCert{CN: "healthy-ca", IsCA: true, NotBefore: now.Add(-day), NotAfter: now.Add(365 * day), RSABits: 2048})
	forever := issue(t, testCert{CN: "forever.example.svc", NotBefore: now.Add(-day), NotAfter: now.AddDate(20, 0, 0)})
	root := issue(t, testCert{CN: "kubernetes", IsCA: true, NotBefore: now.Add(-day), NotAfter: now.AddDate(5, 0, 0)})
	garbage := []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")

	// Webhooks on a resource nothing creates, so a missing service never refuses a request.
	rules := []admissionv1.RuleWithOperations{{Operations: []admissionv1.OperationType{admissionv1.Create},
		Rule: admissionv1.Rule{APIGroups: []string{"example.com"}, APIVersions: []string{"v1"}, Resources: []string{"gadgets"}}}}
	none, ignore := admissionv1.SideEffectClassNone, admissionv1.Ignore
	svc := func(name string) *admissionv1.ServiceReference {
		return &admissionv1.ServiceReference{Namespace: "default", Name: name}
	}
	_, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &admissionv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "policy"},
		Webhooks: []admissionv1.ValidatingWebhook{
			{Name: "expiring.example.com", ClientConfig: admissionv1.WebhookClientConfig{Service: svc("policy"), CABundle: expiring.PEM},
				Rules: rules, SideEffects: &none, FailurePolicy: &ignore, AdmissionReviewVersions: []string{"v1"}},
			{Name: "healthy.example.com", ClientConfig: admissionv1.WebhookClientConfig{Service: svc("policy"), CABundle: healthy.PEM},
				Rules: rules, SideEffects: &none, FailurePolicy: &ignore, AdmissionReviewVersions: []string{"v1"}},
		}}, create)
	must(t, "validating webhook configuration", err)
	_, err = cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, &admissionv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "inject"},
		Webhooks: []admissionv1.MutatingWebhook{{Name: "inject.example.com", ClientConfig: admissionv1.WebhookClientConfig{Service: svc("inject"), CABundle: healthy.PEM},
			Rules: rules, SideEffects: &none, FailurePolicy: &ignore, AdmissionReviewVersions: []string{"v1"}}}}, create)
	must(t, "mutating webhook configuration", err)
	for name, bundle := range map[string][]byte{"forever": forever.PEM, "garbage": garbage, "healthy": healthy.PEM} {
		createAPIService(t, cl.Config, "v1."+name+".example.com", name+".example.com", bundle)
	}
	ext := apiextclient.NewForConfigOrDie(cl.Config).ApiextensionsV1().CustomResourceDefinitions()
	_, err = ext.Create(ctx, widgetsCRD(healthy.PEM), create)
	must(t, "CRD with a conversion webhook", err)
	_, err = cs.CoreV1().ConfigMaps("kube-system").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: RootCAConfigMap},
		Data: map[string]string{"ca.crt": string(root.PEM)}}, create)
	must(t, "kube-root-ca.crt", err)

	// A pending CSR: created now, so judged with csr_max_age_hours 0 below.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	req, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "someone"}}, key)
	must(t, "certificate request", err)
	_, err = cs.CertificatesV1().CertificateSigningRequests().Create(ctx, &certv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: "pending-csr"},
		Spec: certv1.CertificateSigningRequestSpec{Request: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: req}),
			SignerName: "example.com/signer", Usages: []certv1.KeyUsage{certv1.UsageDigitalSignature}}}, create)
	must(t, "csr", err)

	installCertManager(t, cl.Config)
	dyn := dynamic.NewForConfigOrDie(cl.Config)
	cl.CreateNamespace(t, "shop")
	cmRes := func(resource string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: resource}
	}
	notAfter := now.Add(60 * day).Truncate(time.Second)
	for _, o := range []struct {
		resource, ns, name string
		spec               map[string]any
		ready, reason      string
	}{
		{"clusterissuers", "", "selfsigned", map[string]any{"selfSigned": map[string]any{}}, "True", "IsReady"},
		{"issuers", "shop", "ca", map[string]any{"ca": map[string]any{"secretName": "ca-key-pair"}}, "False", "ErrGetKeyPair"},
		{"certificates", "shop", "web", map[string]any{"secretName": "web-tls", "dnsNames": []any{"web.shop.svc"},
			"issuerRef": map[string]any{"name": "selfsigned", "kind": "ClusterIssuer"}}, "True", "Ready"},
		{"certificates", "shop", "api", map[string]any{"secretName": "api-tls", "dnsNames": []any{"api.shop.svc"},
			"issuerRef": map[string]any{"name": "ca"}}, "False", "Failed"},
	} {
		kind := map[string]string{"clusterissuers": "ClusterIssuer", "issuers": "Issuer", "certificates": "Certificate"}[o.resource]
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cert-manager.io/v1", "kind": kind,
			"metadata": map[string]any{"name": o.name, "namespace": o.ns}, "spec": o.spec}}
		ri := dyn.Resource(cmRes(o.resource)).Namespace(o.ns)
		created, err := ri.Create(ctx, u, create)
		must(t, kind+" "+o.name, err)
		status := map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": o.ready, "reason": o.reason,
			"message": o.name + " is " + o.reason, "lastTransitionTime": now.Format(time.RFC3339)}}}
		if o.resource == "certificates" {
			status["notAfter"] = notAfter.Format(time.RFC3339)
		}
		created.Object["status"] = status
		_, err = ri.UpdateStatus(ctx, created, metav1.UpdateOptions{})
		must(t, kind+" "+o.name+" status", err)
	}

	// The audit's client: the admin's token, plus a client certificate in the kubeconfig (the
	// server does not ask for one, so it is only read, never used).
	// The collection time is taken first: the test CA issues for one day from now, so the
	// client certificate has 1 whole day left, the API server's (issued at start) 0.
	c := &facts.Cluster{Name: "certs", CollectedAt: time.Now().UTC().Truncate(time.Second), SchemaVersion: facts.SchemaVersion}
	clientCert, clientKey, err := f.PKI.ClientPair("fleetaudit-auditor")
	must(t, "client certificate", err)
	cfg := rest.CopyConfig(cl.Config)
	cfg.CertData, cfg.KeyData = clientCert, clientKey
	Run(ctx, []Collector{Cluster{}, Certificates{}}, Target{Client: cs, Config: cfg, PageSize: 2}, c)
	for _, r := range c.Collection {
		if !r.OK() {
			t.Fatalf("collector %s: %s", r.Collector, r.Error)
		}
	}
	got := c.Certificates
	var places []string
	for _, x := range got.Items {
		places = append(places, fmt.Sprintf("%s %s %s %s %q %s", x.Source, x.Kind, x.Name, x.Field, x.SubjectCN, x.ParseError))
	}
	want := []string{
		`apiservice-ca APIService v1.forever.example.com spec.caBundle "forever.example.svc" `,
		`apiservice-ca APIService v1.garbage.example.com spec.caBundle "" PEM block 0: x509: malformed certificate`,
		`apiservice-ca APIService v1.healthy.example.com spec.caBundle "healthy-ca" `,
		`apiserver-serving Cluster certs apiServer.servingChain "apiserver" `,
		`kubeconfig-client Cluster certs kubeconfig.client-certificate-data "fleetaudit-auditor" `,
		`root-ca ConfigMap kube-root-ca.crt data[ca.crt] "kubernetes" `,
		`crd-conversion-ca CustomResourceDefinition widgets.example.com spec.conversion.webhook.clientConfig.caBundle "healthy-ca" `,
		`webhook-ca MutatingWebhookConfiguration inject webhooks[name=inject.example.com].clientConfig.caBundle "healthy-ca" `,
		`webhook-ca ValidatingWebhookConfiguration policy webhooks[name=expiring.example.com].clientConfig.caBundle "expiring-ca" `,
		`webhook-ca ValidatingWebhookConfiguration policy webhooks[name=healthy.example.com].clientConfig.caBundle "healthy-ca" `,
	}
	// Other APIServices (the built-in groups) carry no caBundle and give no item.
	if !slices.Equal(places, want) {
		t.Errorf("certificates:\n%s\nwant:\n%s", strings.Join(places, "\n"), strings.Join(want, "\n"))
	}
	if serving := got.Items[3]; serving.IssuerCN != "fleetaudit-test-ca" || serving.IsCA || serving.KeyType != "ECDSA" || got.ServingError != "" {
		t.Errorf("serving chain: %+v (error %q)", serving, got.ServingError)
	}
	cm := got.CertManager
	if !cm.Installed || len(cm.Certificates) != 2 || len(cm.Issuers) != 2 {
		t.Fatalf("cert-manager: %+v", cm)
	}
	if a := cm.Certificates[0]; a.Name != "api" || a.Ready != "False" || a.Reason != "Failed" || a.IssuerKind != "Issuer" || !a.NotAfter.Equal(notAfter) {
		t.Errorf("certificate api: %+v", a)
	}
	if i := cm.Issuers[0]; i.Kind != "ClusterIssuer" || i.Name != "selfsigned" || i.Namespace != "" || i.Ready != "True" {
		t.Errorf("cluster issuer: %+v", i)
	}
	if len(got.CSRs) != 1 || got.CSRs[0].Name != "pending-csr" || got.CSRs[0].State != "Pending" || got.CSRs[0].SignerName != "example.com/signer" {
		t.Errorf("csrs: %+v", got.CSRs)
	}

	engine, err := policy.New(ctx, policy.Options{Params: map[string]any{"certificates": map[string]any{"csr_max_age_hours": 0}}})
	must(t, "policy engine", err)
	findings, err := engine.Evaluate(ctx, c)
	must(t, "evaluate", err)
	var judged []string
	for _, fd := range findings {
		if fd.Category != policy.CategoryCertificates {
			continue
		}
		judged = append(judged, fmt.Sprintf("%s %s %s %s#%s daysLeft=%v", fd.RuleID, fd.Severity, fd.Resource.Kind, fd.Resource.Name, fd.Resource.FieldPath, fd.Details["daysLeft"]))
	}
	slices.Sort(judged)
	wantFindings := []string{
		"FA-CERT-002 critical Cluster certs#apiServer.servingChain daysLeft=0",
		"FA-CERT-002 critical Cluster certs#kubeconfig.client-certificate-data daysLeft=1",
		"FA-CERT-002 critical ValidatingWebhookConfiguration policy#webhooks[name=expiring.example.com].clientConfig.caBundle daysLeft=3",
		fmt.Sprintf("FA-CERT-003 medium APIService v1.forever.example.com#spec.caBundle daysLeft=%d", facts.DaysLeft(forever.Cert.NotAfter, c.CollectedAt)),
		"FA-CERT-005 high APIService v1.garbage.example.com#spec.caBundle daysLeft=<nil>",
		"FA-CERT-006 high Certificate api#status.conditions[type=Ready] daysLeft=59",
		"FA-CERT-007 high Issuer ca#status.conditions[type=Ready] daysLeft=<nil>",
		"FA-CERT-008 medium CertificateSigningRequest pending-csr# daysLeft=<nil>",
	}
	if !slices.Equal(judged, wantFindings) {
		t.Errorf("certificate findings:\n%s\nwant:\n%s", strings.Join(judged, "\n"), strings.Join(wantFindings, "\n"))
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// createAPIService registers an aggregated API whose service does not exist (it is never
// called: the test only reads the object).
func createAPIService(t *testing.T, cfg *rest.Config, name, group string, caBundle []byte) {
	t.Helper()
	dyn := dynamic.NewForConfigOrDie(cfg)
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{"group": group, "version": "v1", "groupPriorityMinimum": int64(100), "versionPriority": int64(10),
			"service": map[string]any{"namespace": "default", "name": "missing"}, "caBundle": base64.StdEncoding.EncodeToString(caBundle)}}}
	_, err := dyn.Resource(schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}).
		Create(context.Background(), u, metav1.CreateOptions{})
	must(t, "APIService "+name, err)
}

// widgetsCRD is a CRD with a conversion webhook whose caBundle is bundle.
func widgetsCRD(bundle []byte) *apiextv1.CustomResourceDefinition {
	preserve := true
	schema := &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: &preserve}}
	port := int32(443)
	return &apiextv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.com"},
		Spec: apiextv1.CustomResourceDefinitionSpec{Group: "example.com", Scope: apiextv1.NamespaceScoped,
			Names: apiextv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Versions: []apiextv1.CustomResourceDefinitionVersion{
				{Name: "v1", Served: true, Storage: true, Schema: schema},
				{Name: "v2", Served: true, Storage: false, Schema: schema},
			},
			Conversion: &apiextv1.CustomResourceConversion{Strategy: apiextv1.WebhookConverter, Webhook: &apiextv1.WebhookConversion{
				ClientConfig:             &apiextv1.WebhookClientConfig{Service: &apiextv1.ServiceReference{Namespace: "default", Name: "widgets", Port: &port}, CABundle: bundle},
				ConversionReviewVersions: []string{"v1"}}}}}
}

// installCertManager creates cert-manager's published CRDs (testdata/certmanager) and waits
// until they are established.
func installCertManager(t *testing.T, cfg *rest.Config) {
	t.Helper()
	ext := apiextclient.NewForConfigOrDie(cfg).ApiextensionsV1().CustomResourceDefinitions()
	files, _ := filepath.Glob("testdata/certmanager/*.yaml")
	if len(files) != 3 {
		t.Fatalf("cert-manager CRDs: %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		must(t, f, err)
		var crd apiextv1.CustomResourceDefinition
		must(t, f, yaml.Unmarshal(b, &crd))
		_, err = ext.Create(context.Background(), &crd, metav1.CreateOptions{})
		must(t, "create "+crd.Name, err)
		err = wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			got, err := ext.Get(ctx, crd.Name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range got.Status.Conditions {
				if c.Type == apiextv1.Established && c.Status == apiextv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		must(t, "wait for "+crd.Name, err)
	}
}
