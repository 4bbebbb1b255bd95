package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	admissionregv1 "k8s.io/api/admissionregistration/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
	runtimehooksv1 "sigs.k8s.io/cluster-api/api/runtime/hooks/v1alpha1"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/server"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

var clusterGVR = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta1", Resource: "clusters"}

const profileDoc = `apiVersion: fleetaudit.io/v1alpha1
kind: ClusterProfile
metadata: {name: platform}
spec:
  version: 2.0.0
  kubernetesVersion: v1.35.0
  selector: {clusters: ["*"]}
`

// edgeDoc is a lenient profile the gate also knows: a caller who could pick it would pass.
const edgeDoc = `apiVersion: fleetaudit.io/v1alpha1
kind: ClusterProfile
metadata: {name: edge}
spec:
  version: 1.0.0
  kubernetesVersion: v1.36.0
  requirements: {blockingSeverity: critical}
  selector: {clusters: ["*"]}
`

// gateBindings are the operator's: the Cluster objects default/wl and default/capi-wl are
// the fleet cluster wl, default/capi-ghost is a cluster fleetaudit has no facts for, and
// every fleet cluster is held to platform.
var gateBindings = &binding.Bindings{File: "bindings.yaml",
	Profiles:       []binding.ProfileBinding{{Clusters: []string{"*"}, Profile: "platform"}},
	ClusterObjects: []binding.ObjectBinding{{Object: "default/wl", Cluster: "wl"}, {Object: "default/capi-wl", Cluster: "wl"}, {Object: "default/capi-ghost", Cluster: "ghost"}}}

// gateFixture is a real cluster "wl" (both the Cluster API management cluster holding the
// Cluster object and the audited workload cluster), fleetaudit's gate endpoints served over
// real TLS on loopback to callers with a client certificate of the fleet's CA (the API server
// presents one to webhooks; the Cluster API controller stand-in is "capi-controller"), and an
// HTTPS client that trusts them and presents its certificate.
type gateFixture struct {
	cl     *testcluster.Cluster
	srv    *server.Server
	url    string
	client *http.Client
	pki    *testcluster.PKI
	log    *syncBuffer // the gate's log (debug: one line per admitted caller)
}

func startGate(t *testing.T) *gateFixture {
	f := testcluster.StartWith(t, testcluster.Options{WebhookClientCert: true}, "wl")
	cl := f.Clusters[0]
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	targets, err := fleet.LoadKubeconfig(fleet.KubeconfigOptions{Path: kc, QPS: 50, Burst: 100, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse("profile.yaml", []byte(profileDoc))
	if err != nil {
		t.Fatal(err)
	}
	lenient, err := profile.Parse("edge.yaml", []byte(edgeDoc))
	if err != nil {
		t.Fatal(err)
	}
	// The version of platform for the 1.34 the cluster runs (patch moves are judged under it).
	current, err := profile.Parse("platform-1.34.yaml", []byte(strings.NewReplacer("version: 2.0.0", "version: 1.9.0", "v1.35.0", "v1.34.4").Replace(profileDoc)))
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts := fleet.Options{Timeout: 20 * time.Second}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := server.New(server.Config{Engine: engine, Profiles: []*profile.Profile{current, p, lenient}, Bindings: gateBindings, Options: opts,
		Jobs:    func() ([]fleet.Job, error) { return fleet.LiveJobs(targets, opts), nil },
		Callers: &server.CallerAuth{Certificates: true, Allow: []string{testcluster.WebhookClientName, "capi-controller"}, Log: log}})
	dir := t.TempDir()
	files := server.CertFiles{Cert: filepath.Join(dir, "tls.crt"), Key: filepath.Join(dir, "tls.key"), ClientCA: filepath.Join(dir, "ca.crt")}
	writePair(t, files.Cert, files.Key, func() ([]byte, []byte, error) { return f.PKI.ServingPair("fleetaudit") })
	writeFile(t, files.ClientCA, f.PKI.CACert)
	certs, err := server.LoadCerts(files, log)
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", certs.TLSConfig(tls.RequireAndVerifyClientCert))
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.GateHandler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(l) }()
	t.Cleanup(func() { _ = hs.Close() })
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(f.PKI.CACert)
	me := clientCert(t, f.PKI, "capi-controller")
	return &gateFixture{cl: cl, srv: srv, url: "https://" + l.Addr().(*net.TCPAddr).String(), pki: f.PKI, log: logs,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{*me}}}}}
}

func (g *gateFixture) audit(t *testing.T) {
	t.Helper()
	if err := g.srv.AuditOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (g *gateFixture) post(t *testing.T, path string, body, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := g.client.Post(g.url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("decode %s response: %v", path, err)
	}
}

// seedBlockers gives the cluster an old kubelet (1.31 cannot run under a 1.35 control plane)
// and a PodDisruptionBudget that allows no disruption.
func seedBlockers(t *testing.T, cl *testcluster.Cluster) {
	ctx := context.Background()
	cl.CreateNode(t, "n1", testcluster.NodeOptions{KubeletVersion: "v1.31.4"})
	cl.CreateNamespace(t, "web")
	min := intstr.FromInt32(2)
	pdb, err := cl.Admin.PolicyV1().PodDisruptionBudgets("web").Create(ctx, &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "web"},
		Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: &min, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pdb.Status = policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: 0, CurrentHealthy: 2, DesiredHealthy: 2, ExpectedPods: 2}
	if _, err := cl.Admin.PolicyV1().PodDisruptionBudgets("web").UpdateStatus(ctx, pdb, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// fixBlockers upgrades the kubelet and lets the PDB allow a disruption, as an operator would.
func fixBlockers(t *testing.T, cl *testcluster.Cluster) {
	ctx := context.Background()
	n, err := cl.Admin.CoreV1().Nodes().Get(ctx, "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n.Status.NodeInfo.KubeletVersion = "v1.34.4"
	if _, err := cl.Admin.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	pdb, err := cl.Admin.PolicyV1().PodDisruptionBudgets("web").Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pdb.Status.DisruptionsAllowed, pdb.Status.CurrentHealthy, pdb.Status.ExpectedPods = 1, 3, 3
	if _, err := cl.Admin.PolicyV1().PodDisruptionBudgets("web").UpdateStatus(ctx, pdb, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestAdmissionWebhookBlocksClusterUpgrade: the real API server calls fleetaudit's webhook
// (registered with its CA bundle) when a Cluster's spec.topology.version changes, and rejects
// the change with fleetaudit's reasons while the cluster has blockers; once they are fixed and
// re-audited, the same patch is accepted.
func TestAdmissionWebhookBlocksClusterUpgrade(t *testing.T) {
	g := startGate(t)
	ctx := context.Background()
	seedBlockers(t, g.cl)
	g.audit(t)

	raw, err := os.ReadFile("testdata/cluster-crd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextv1.CustomResourceDefinition
	if err := yaml.Unmarshal(raw, &crd); err != nil {
		t.Fatal(err)
	}
	ext := apiextclient.NewForConfigOrDie(g.cl.Config)
	if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dyn := dynamic.NewForConfigOrDie(g.cl.Config)
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
		"metadata": map[string]any{"name": "wl", "namespace": "default"},
		"spec":     map[string]any{"topology": map[string]any{"class": "standard", "version": "v1.34.4"}},
	}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err = dyn.Resource(clusterGVR).Namespace("default").Create(ctx, obj, metav1.CreateOptions{})
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond) // the CRD is being established
	}
	if err != nil {
		t.Fatalf("create Cluster: %v", err)
	}
	fail, none := admissionregv1.Fail, admissionregv1.SideEffectClassNone
	hookURL := g.url + "/validate/clusters"
	_, err = g.cl.Admin.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &admissionregv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "fleetaudit-upgrade-gate"},
		Webhooks: []admissionregv1.ValidatingWebhook{{
			Name:                    "upgrade-gate.fleetaudit.io",
			ClientConfig:            admissionregv1.WebhookClientConfig{URL: &hookURL, CABundle: g.pki.CACert},
			Rules:                   []admissionregv1.RuleWithOperations{{Operations: []admissionregv1.OperationType{admissionregv1.Update}, Rule: admissionregv1.Rule{APIGroups: []string{"cluster.x-k8s.io"}, APIVersions: []string{"*"}, Resources: []string{"clusters"}}}},
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	patch := []byte(`{"spec":{"topology":{"version":"v1.35.0"}}}`)
	// The API server picks the new webhook configuration up asynchronously: probe with dry-run
	// patches (the webhook has no side effects, so it is called for them) until it answers,
	// which changes nothing, then send the real patch.
	dryRun := metav1.PatchOptions{DryRun: []string{metav1.DryRunAll}}
	for range 100 {
		if _, err := dyn.Resource(clusterGVR).Namespace("default").Patch(ctx, "wl", types.MergePatchType, patch, dryRun); err != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Whoever may update the Cluster cannot pick the lenient profile (or another cluster's
	// facts) by annotating it: the API server rejects the update, saying why.
	for _, bad := range []struct{ patch, want string }{
		{`{"metadata":{"annotations":{"fleetaudit.io/profile":"edge"}},"spec":{"topology":{"version":"v1.35.0"}}}`,
			"asks for profile edge (annotation fleetaudit.io/profile) but wl is bound to platform@2.0.0"},
		{`{"metadata":{"annotations":{"fleetaudit.io/cluster":"staging"}},"spec":{"topology":{"version":"v1.35.0"}}}`,
			"says it is staging (annotation fleetaudit.io/cluster) but is bound to wl"},
	} {
		_, err := dyn.Resource(clusterGVR).Namespace("default").Patch(ctx, "wl", types.MergePatchType, []byte(bad.patch), metav1.PatchOptions{})
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("patch %s: %v, want a rejection with %q", bad.patch, err, bad.want)
		}
	}
	_, lastErr := dyn.Resource(clusterGVR).Namespace("default").Patch(ctx, "wl", types.MergePatchType, patch, metav1.PatchOptions{})
	if lastErr == nil {
		t.Fatal("the API server accepted an upgrade of a cluster with blockers")
	}
	for _, want := range []string{
		`admission webhook "upgrade-gate.fleetaudit.io" denied the request`,
		"fleetaudit: wl is not ready for v1.35.0 (platform@2.0.0)",
		"FA-UPG-001 high: kubelet v1.31.4 on node n1 is 4 minor versions behind the API server v1.35.0",
		"FA-UPG-005 high: PodDisruptionBudget web/web allows 0 disruptions",
	} {
		if !strings.Contains(lastErr.Error(), want) {
			t.Errorf("rejection lacks %q:\n%v", want, lastErr)
		}
	}
	got, err := dyn.Resource(clusterGVR).Namespace("default").Get(ctx, "wl", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := unstructured.NestedString(got.Object, "spec", "topology", "version"); v != "v1.34.4" {
		t.Fatalf("rejected upgrade changed the Cluster: version %s", v)
	}

	if !strings.Contains(g.log.String(), `"caller":"`+testcluster.WebhookClientName+`","via":"certificate"`) {
		t.Errorf("the API server did not call the webhook with its client certificate; gate log:\n%s", g.log.String())
	}

	fixBlockers(t, g.cl)
	g.audit(t)
	if _, err := dyn.Resource(clusterGVR).Namespace("default").Patch(ctx, "wl", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatalf("upgrade still rejected after fixing the blockers: %v", err)
	}
	got, _ = dyn.Resource(clusterGVR).Namespace("default").Get(ctx, "wl", metav1.GetOptions{})
	if v, _, _ := unstructured.NestedString(got.Object, "spec", "topology", "version"); v != "v1.35.0" {
		t.Errorf("version after the accepted upgrade: %s", v)
	}

	// A busy gate fails closed, and the API server passes its 429 and Retry-After on to the
	// client (client-go waits and retries by itself; this raw request shows the answer).
	release := server.Saturate(g.srv)
	defer release()
	hc, err := rest.HTTPClientFor(g.cl.Config)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, g.cl.Config.Host+"/apis/cluster.x-k8s.io/v1beta1/namespaces/default/clusters/wl",
		strings.NewReader(`{"spec":{"topology":{"version":"v1.35.1"}}}`))
	req.Header.Set("Content-Type", string(types.MergePatchType))
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "5" || !strings.Contains(string(body), "fleetaudit: the gate is busy") {
		t.Errorf("a version change while the gate is busy: %s, Retry-After %q, %s", resp.Status, resp.Header.Get("Retry-After"), body)
	}
}

// TestRuntimeExtensionOverHTTPS speaks the Cluster API runtime hook protocol over real HTTPS,
// with requests and responses in the upstream Cluster API types.
func TestRuntimeExtensionOverHTTPS(t *testing.T) {
	g := startGate(t)
	seedBlockers(t, g.cl)
	g.audit(t)

	var disc runtimehooksv1.DiscoveryResponse
	g.post(t, "/hooks.runtime.cluster.x-k8s.io/v1alpha1/discovery", runtimehooksv1.DiscoveryRequest{
		TypeMeta: metav1.TypeMeta{APIVersion: runtimehooksv1.GroupVersion.String(), Kind: "DiscoveryRequest"}}, &disc)
	if disc.Status != runtimehooksv1.ResponseStatusSuccess || disc.Kind != "DiscoveryResponse" || len(disc.Handlers) != 1 {
		t.Fatalf("discovery: %+v", disc)
	}
	h := disc.Handlers[0]
	if h.Name != server.HandlerName || h.RequestHook.Hook != "BeforeClusterUpgrade" || h.RequestHook.APIVersion != runtimehooksv1.GroupVersion.String() ||
		h.TimeoutSeconds == nil || *h.TimeoutSeconds > 30 {
		t.Errorf("handler: %+v", h)
	}

	req := runtimehooksv1.BeforeClusterUpgradeRequest{
		TypeMeta:              metav1.TypeMeta{APIVersion: runtimehooksv1.GroupVersion.String(), Kind: "BeforeClusterUpgradeRequest"},
		Cluster:               clusterv1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "capi-wl", Namespace: "default", Annotations: map[string]string{server.ClusterAnnotation: "wl"}}},
		FromKubernetesVersion: "v1.34.4",
		ToKubernetesVersion:   "v1.35.0",
	}
	path := "/hooks.runtime.cluster.x-k8s.io/v1alpha1/beforeclusterupgrade/" + h.Name
	var resp runtimehooksv1.BeforeClusterUpgradeResponse
	g.post(t, path, req, &resp)
	if resp.Status != runtimehooksv1.ResponseStatusSuccess || resp.RetryAfterSeconds <= 0 ||
		!strings.Contains(resp.Message, "fleetaudit: wl is not ready for v1.35.0") || !strings.Contains(resp.Message, "FA-UPG-005") {
		t.Fatalf("blocked upgrade: %+v", resp)
	}
	var again runtimehooksv1.BeforeClusterUpgradeResponse
	g.post(t, path, req, &again)
	if again.Message != resp.Message {
		t.Errorf("messages must be deterministic:\n%s\n%s", resp.Message, again.Message)
	}
	// A target the cluster can reach (no minor change) passes the skew check; the PDB still blocks.
	req.ToKubernetesVersion = "v1.34.5"
	var patchResp runtimehooksv1.BeforeClusterUpgradeResponse
	g.post(t, path, req, &patchResp)
	if strings.Contains(patchResp.Message, "FA-UPG-001") || !strings.Contains(patchResp.Message, "FA-UPG-005") {
		t.Errorf("target v1.34.5: %s", patchResp.Message)
	}

	fixBlockers(t, g.cl)
	g.audit(t)
	req.ToKubernetesVersion = "v1.35.0"
	var ok runtimehooksv1.BeforeClusterUpgradeResponse
	g.post(t, path, req, &ok)
	if ok.Status != runtimehooksv1.ResponseStatusSuccess || ok.RetryAfterSeconds != 0 || ok.Message != "fleetaudit: wl is ready for v1.35.0 (platform@2.0.0)" {
		t.Errorf("ready cluster: %+v", ok)
	}
	// A bound cluster fleetaudit has no facts for fails closed.
	req.Cluster.Name, req.Cluster.Annotations = "capi-ghost", nil
	var unknown runtimehooksv1.BeforeClusterUpgradeResponse
	g.post(t, path, req, &unknown)
	if unknown.RetryAfterSeconds <= 0 || !strings.Contains(unknown.Message, "no facts for the cluster") {
		t.Errorf("unknown cluster: %+v", unknown)
	}
	// The hook, too, takes the cluster and profile from the bindings, not the object.
	req.Cluster.Name, req.Cluster.Annotations = "capi-wl", map[string]string{server.ProfileAnnotation: "edge"}
	var chosen runtimehooksv1.BeforeClusterUpgradeResponse
	g.post(t, path, req, &chosen)
	if chosen.Status != runtimehooksv1.ResponseStatusFailure || !strings.Contains(chosen.Message, "an object cannot choose its profile") {
		t.Errorf("profile chosen by annotation: %+v", chosen)
	}
	req.Cluster.Name, req.Cluster.Annotations = "capi-unbound", nil
	var unbound runtimehooksv1.BeforeClusterUpgradeResponse
	g.post(t, path, req, &unbound)
	if unbound.Status != runtimehooksv1.ResponseStatusFailure || !strings.Contains(unbound.Message, "the Cluster default/capi-unbound is bound to no fleet cluster") {
		t.Errorf("unbound object: %+v", unbound)
	}
}

// TestHTTPGateMatchesCLIShape: POST /v1/gate answers per cluster with the same decision the
// engine gives, over HTTPS.
func TestHTTPGate(t *testing.T) {
	g := startGate(t)
	seedBlockers(t, g.cl)
	var before server.GateResponse
	g.post(t, "/v1/gate", server.GateRequest{Profile: "platform", Clusters: []string{"wl"}}, &before)
	if before.Allowed || len(before.Decisions) != 1 || !strings.Contains(before.Decisions[0].Reasons[0], "no facts") {
		t.Fatalf("before any audit the gate must fail closed: %+v", before)
	}
	g.audit(t)
	var resp server.GateResponse
	g.post(t, "/v1/gate", server.GateRequest{Profile: "platform", Explain: true}, &resp)
	if resp.Allowed || resp.Profile != "platform@2.0.0" || len(resp.Decisions) != 1 || len(resp.Decisions[0].Explain) == 0 {
		t.Fatalf("%+v", resp)
	}
	d := resp.Decisions[0]
	if len(d.Reasons) != 3 || !strings.HasPrefix(d.Reasons[0], "non-waivable kubelet-skew: kubelet v1.31.4 on node n1") ||
		!strings.HasPrefix(d.Reasons[1], "FA-UPG-001") || !strings.HasPrefix(d.Reasons[2], "FA-UPG-005") {
		t.Errorf("reasons: %v", d.Reasons)
	}
	resp2, err := g.client.Post(g.url+"/v1/gate", "application/json", strings.NewReader(`{"profil": "x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusBadRequest {
		t.Errorf("a misspelt field must be a 400, got %s", resp2.Status)
	}
	anonymous := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: g.client.Transport.(*http.Transport).TLSClientConfig.RootCAs}}}
	if resp3, err := anonymous.Post(g.url+"/v1/gate", "application/json", strings.NewReader(`{}`)); err == nil {
		resp3.Body.Close()
		t.Errorf("a caller without a client certificate got %s", resp3.Status)
	}
}
