package chart

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/binding"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

const repoRoot = "../.."

var chartDir = filepath.Join(repoRoot, "deploy/helm/fleetaudit")

func render(t *testing.T, values map[string]any) []map[string]any {
	t.Helper()
	return renderWith(t, Options{Values: values})
}

// renderWith renders the chart as release fleetaudit in namespace fleetaudit.
func renderWith(t *testing.T, o Options) []map[string]any {
	t.Helper()
	o.Release, o.Namespace = "fleetaudit", "fleetaudit"
	out, err := RenderWith(chartDir, o)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Documents(out)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestManifestsAndChartFilesAreCurrent: deploy/manifests is the chart rendered with defaults,
// and the chart's copies of the alert rules and dashboards match their sources (make generate).
func TestManifestsAndChartFilesAreCurrent(t *testing.T) {
	files, err := SyncedFiles(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1+nDashboards {
		t.Errorf("expected alerts and %d dashboards to be synced, got %d", nDashboards, len(files))
	}
	for dst, src := range files {
		a, _ := os.ReadFile(dst)
		b, _ := os.ReadFile(src)
		if !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s is out of date with %s (run make generate)", dst, src)
		}
	}
	out, err := Render(chartDir, "fleetaudit", "fleetaudit", nil)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(repoRoot, "deploy/manifests/fleetaudit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(committed, out) {
		t.Error("deploy/manifests/fleetaudit.yaml drifted from the chart (run make generate)")
	}
}

func TestChartValues(t *testing.T) {
	kinds := map[string]int{}
	for _, d := range renderWith(t, Options{APIVersions: withMonitoring(t), Values: map[string]any{"kubeconfig": map[string]any{"secretName": "fleet-kubeconfig"},
		"serve": map[string]any{"tlsSecretName": "gate-tls", "clientCASecretName": "gate-client-ca"}}}) {
		kinds[d["kind"].(string)]++
		if d["kind"] == "Deployment" {
			b, _ := json.Marshal(d)
			for _, want := range []string{"--kubeconfig=/etc/fleetaudit/kubeconfig/kubeconfig", `"secretName":"fleet-kubeconfig"`, "--tls-cert=/etc/fleetaudit/tls/tls.crt", `"readOnlyRootFilesystem":true`,
				"--client-ca=/etc/fleetaudit/client-ca/ca.crt", `"secretName":"gate-client-ca"`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("deployment lacks %s", want)
				}
			}
			if strings.Contains(string(b), "--in-cluster") {
				t.Error("with a kubeconfig Secret the deployment must not audit in-cluster")
			}
		}
	}
	for _, k := range []string{"Deployment", "CronJob", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "ServiceMonitor", "PrometheusRule"} {
		if kinds[k] == 0 {
			t.Errorf("chart renders no %s", k)
		}
	}
	if kinds["ConfigMap"] != nDashboards {
		t.Errorf("want one dashboard ConfigMap per dashboard, got %d", kinds["ConfigMap"])
	}
	off := map[string]int{}
	for _, d := range renderWith(t, Options{APIVersions: withMonitoring(t), Values: map[string]any{"serviceMonitor": map[string]any{"enabled": false}, "report": map[string]any{"enabled": false}}}) {
		off[d["kind"].(string)]++
	}
	if off["ServiceMonitor"] != 0 || off["CronJob"] != 0 {
		t.Errorf("disabled parts still rendered: %v", off)
	}
}

// apply applies objects server-side (dry-run or for real) through the REST mapping.
func apply(t *testing.T, cfg *rest.Config, docs []map[string]any, dryRun bool) {
	t.Helper()
	cs := kubernetes.NewForConfigOrDie(cfg)
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cs.Discovery()))
	dyn := dynamic.NewForConfigOrDie(cfg)
	opts := metav1.PatchOptions{FieldManager: "fleetaudit-test"}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	for _, d := range docs {
		u := &unstructured.Unstructured{Object: d}
		m, err := mapper.RESTMapping(u.GroupVersionKind().GroupKind(), u.GroupVersionKind().Version)
		if err != nil {
			t.Fatalf("%s %s: %v", u.GetKind(), u.GetName(), err)
		}
		body, _ := json.Marshal(d)
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			ri = dyn.Resource(m.Resource).Namespace(u.GetNamespace())
		}
		if _, err := ri.Patch(context.Background(), u.GetName(), types.ApplyPatchType, body, opts); err != nil {
			t.Errorf("apply %s %s/%s (dry-run %v): %v", u.GetKind(), u.GetNamespace(), u.GetName(), dryRun, err)
		}
	}
}

// prepare installs the CRDs in files (under testdata) and creates the release namespace.
func prepare(t *testing.T, c *testcluster.Cluster, files ...string) {
	t.Helper()
	for _, f := range files {
		crds, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		docs, err := Documents(crds)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, c.Config, docs, false)
	}
	c.CreateNamespace(t, "fleetaudit")
	if len(files) > 0 {
		waitEstablished(t, c, files...)
	}
}

// webhookValues serve the gate with bindings and install the admission webhook.
func webhookValues() map[string]any {
	return map[string]any{"serve": map[string]any{"tlsSecretName": "gate-tls", "clientCASecretName": "gate-client-ca",
		"bindings": map[string]any{"apiVersion": "fleetaudit.io/v1alpha1", "kind": "Bindings",
			"profiles":       []any{map[string]any{"clusters": []any{"prod-*"}, "profile": "platform"}},
			"clusterObjects": []any{map[string]any{"object": "capi/prod-eu", "cluster": "prod-eu"}}},
		"webhook": map[string]any{"enabled": true, "caBundle": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}}}
}

// TestChartWebhookAndBindings: the webhook is off by default; on, it fails closed
// (failurePolicy Fail), covers every Cluster API object that sets a version, calls the gate's
// service path, and needs TLS and bindings; the bindings reach serve as a file fleetaudit
// itself accepts.
func TestChartWebhookAndBindings(t *testing.T) {
	for _, d := range render(t, nil) {
		if d["kind"] == "ValidatingWebhookConfiguration" {
			t.Fatal("the webhook must be off by default")
		}
	}
	var hook, cm map[string]any
	var args string
	for _, d := range render(t, webhookValues()) {
		switch d["kind"] {
		case "ValidatingWebhookConfiguration":
			hook = d
		case "ConfigMap":
			if d["metadata"].(map[string]any)["name"] == "fleetaudit-bindings" {
				cm = d
			}
		case "Deployment":
			b, _ := json.Marshal(d)
			args = string(b)
		}
	}
	if hook == nil || cm == nil {
		t.Fatalf("webhook %v, bindings ConfigMap %v", hook != nil, cm != nil)
	}
	b, _ := json.Marshal(hook)
	for _, want := range []string{`"failurePolicy":"Fail"`, `"path":"/validate/clusters"`, `"kubeadmcontrolplanes"`, `"machinedeployments"`,
		`"controlplane.cluster.x-k8s.io"`, `"operations":["CREATE","UPDATE"]`, `"caBundle":"LS0t`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("webhook lacks %s: %s", want, b)
		}
	}
	if !strings.Contains(args, "--bindings=/etc/fleetaudit/bindings/bindings.yaml") {
		t.Errorf("deployment does not pass the bindings")
	}
	f := filepath.Join(t.TempDir(), "bindings.yaml")
	if err := os.WriteFile(f, []byte(cm["data"].(map[string]any)["bindings.yaml"].(string)), 0o600); err != nil {
		t.Fatal(err)
	}
	if bd, err := binding.Load(f); err != nil || len(bd.ClusterObjects) != 1 {
		t.Errorf("the chart's bindings file does not load: %v", err)
	}
	for key, want := range map[string]string{"bindings": "needs serve.bindings", "tlsSecretName": "needs serve.tlsSecretName"} {
		v := webhookValues()
		delete(v["serve"].(map[string]any), key)
		if key == "tlsSecretName" {
			delete(v["serve"].(map[string]any), "clientCASecretName")
		}
		if _, err := Render(chartDir, "fleetaudit", "fleetaudit", v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("webhook without %s: %v", key, err)
		}
	}
}

// TestChartGateCallers: serving the gate needs a way to authenticate its callers, or the
// chart refuses to render and says which values to set; token review in-cluster binds the
// ServiceAccount to system:auth-delegator and passes the allowed callers.
func TestChartGateCallers(t *testing.T) {
	_, err := Render(chartDir, "fleetaudit", "fleetaudit", map[string]any{"serve": map[string]any{"tlsSecretName": "gate-tls"}})
	if err == nil || !strings.Contains(err.Error(), "serve.clientCASecretName") || !strings.Contains(err.Error(), "serve.tokenReview.inCluster") {
		t.Errorf("TLS without caller authentication must not render: %v", err)
	}
	_, err = Render(chartDir, "fleetaudit", "fleetaudit", map[string]any{"serve": map[string]any{"tlsSecretName": "gate-tls", "tokenReview": map[string]any{"context": "mgmt"}}})
	if err == nil || !strings.Contains(err.Error(), "kubeconfig.secretName") {
		t.Errorf("a token review context without a kubeconfig must not render: %v", err)
	}
	var delegator bool
	for _, d := range render(t, map[string]any{"serve": map[string]any{"tlsSecretName": "gate-tls",
		"tokenReview": map[string]any{"inCluster": true, "audiences": []any{"fleetaudit"}}, "allowedCallers": []any{"system:serviceaccount:capi-system:capi-controller-manager"}}}) {
		b, _ := json.Marshal(d)
		switch d["kind"] {
		case "Deployment":
			for _, want := range []string{"--token-review-in-cluster", "--token-review-audience=fleetaudit", "--gate-allow=system:serviceaccount:capi-system:capi-controller-manager"} {
				if !strings.Contains(string(b), want) {
					t.Errorf("deployment lacks %s", want)
				}
			}
			if strings.Contains(string(b), "--client-ca") || strings.Contains(string(b), "--allow-unauthenticated-callers") {
				t.Errorf("unexpected caller flags: %s", b)
			}
		case "ClusterRoleBinding":
			delegator = delegator || strings.Contains(string(b), `"name":"system:auth-delegator"`)
		}
	}
	if !delegator {
		t.Error("token review in-cluster needs a binding to system:auth-delegator")
	}
	for _, d := range render(t, nil) {
		if b, _ := json.Marshal(d); strings.Contains(string(b), "auth-delegator") || strings.Contains(string(b), "--gate-allow") {
			t.Errorf("defaults (no gate) render caller settings: %s", b)
		}
	}
}

// TestLeastPrivilege applies the chart's ServiceAccount and RBAC for real and runs a whole
// audit as that ServiceAccount: no collector is forbidden anything; and the same identity is
// refused when it tries to read a Secret.
func TestLeastPrivilege(t *testing.T) {
	f := testcluster.Start(t, "lp")
	c := f.Clusters[0]
	prepare(t, c)
	var rbacDocs []map[string]any
	for _, d := range render(t, nil) {
		switch d["kind"] {
		case "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
			rbacDocs = append(rbacDocs, d)
		}
	}
	apply(t, c.Config, rbacDocs, false)
	ctx := context.Background()
	c.CreateNode(t, "n1", testcluster.NodeOptions{KubeletVersion: "v1.31.0"})
	c.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}})
	if _, err := c.Admin.CoreV1().Secrets("shop").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop"},
		StringData: map[string]string{"password": "hunter2"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tok, err := c.Admin.CoreV1().ServiceAccounts("fleetaudit").CreateToken(ctx, "fleetaudit", &authnv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, testcluster.Context{Name: "lp", Server: c.URL, CAData: c.CAData, Token: tok.Status.Token}); err != nil {
		t.Fatal(err)
	}
	targets, err := fleet.LoadKubeconfig(fleet.KubeconfigOptions{Path: kc, QPS: 50, Burst: 100, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.New(ctx, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := fleet.Run(ctx, fleet.LiveJobs(targets, fleet.Options{}), engine, fleet.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Clusters[0]
	for _, run := range r.Collection {
		if !run.OK() {
			t.Errorf("collector %s failed as the chart's ServiceAccount: %s", run.Collector, run.Error)
		}
	}
	if len(r.Collection) < 6 || r.Status != "ok" {
		t.Fatalf("audit as the ServiceAccount: %s %s", r.Status, r.Problem)
	}
	var ran []string
	for _, run := range r.Collection {
		ran = append(ran, run.Collector)
	}
	if !slices.Contains(ran, "workloads") {
		t.Errorf("the workloads collector did not run as the ServiceAccount: %v", ran)
	}
	var skew bool
	for _, fd := range r.Findings {
		skew = skew || fd.RuleID == "FA-UPG-001"
	}
	if !skew {
		t.Error("the audit as the ServiceAccount should still see the old kubelet")
	}
	sa := kubernetes.NewForConfigOrDie(targets[0].Config)
	if _, err := sa.CoreV1().Secrets("shop").Get(ctx, "db", metav1.GetOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("reading a Secret as fleetaudit's ServiceAccount: want Forbidden, got %v", err)
	}
	if _, err := sa.CoreV1().Secrets("").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("listing Secrets as fleetaudit's ServiceAccount: want Forbidden, got %v", err)
	}
	if _, err := sa.CoreV1().Pods("shop").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "x"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "x"}}}}, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("creating a pod as fleetaudit's ServiceAccount: want Forbidden, got %v", err)
	}
}

// TestChartClusterAPIExtensionConfig: the ExtensionConfig is off by default; on, it points at
// the hook's own port, has the serving CA injected from the TLS Secret, the hook listener is
// started, and a NetworkPolicy lets only Cluster API's namespace reach that port.
func TestChartClusterAPIExtensionConfig(t *testing.T) {
	for _, d := range render(t, nil) {
		if d["kind"] == "ExtensionConfig" || d["kind"] == "NetworkPolicy" {
			t.Fatalf("%s must be off by default", d["kind"])
		}
	}
	v := webhookValues()
	v["serve"].(map[string]any)["clusterAPI"] = map[string]any{"extensionConfig": true, "controllerNamespace": "capi-system",
		"namespaceSelector": map[string]any{"matchLabels": map[string]any{"fleetaudit.io/gated": "true"}}}
	got := map[string]string{}
	for _, d := range render(t, v) {
		b, _ := json.Marshal(d)
		got[d["kind"].(string)] += string(b)
	}
	for kind, wants := range map[string][]string{
		"ExtensionConfig": {`"apiVersion":"runtime.cluster.x-k8s.io/v1alpha1"`, `"runtime.cluster.x-k8s.io/inject-ca-from-secret":"fleetaudit/gate-tls"`,
			`"service":{"name":"fleetaudit","namespace":"fleetaudit","port":9444}`, `"namespaceSelector":{"matchLabels":{"fleetaudit.io/gated":"true"}}`},
		"Deployment":    {`"--hook-listen=:9444"`, `{"containerPort":9444,"name":"capi-hook"}`},
		"Service":       {`{"name":"capi-hook","port":9444,"targetPort":"capi-hook"}`},
		"NetworkPolicy": {`{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"capi-system"}}}],"ports":[{"port":9444}]}`, `{"ports":[{"port":8080},{"port":8443}]}`},
	} {
		for _, want := range wants {
			if !strings.Contains(got[kind], want) {
				t.Errorf("%s lacks %s:\n%s", kind, want, got[kind])
			}
		}
	}
	for key, want := range map[string]string{"bindings": "needs serve.bindings", "tlsSecretName": "needs serve.tlsSecretName"} {
		v := webhookValues()
		v["serve"].(map[string]any)["clusterAPI"] = map[string]any{"extensionConfig": true}
		v["serve"].(map[string]any)["webhook"] = map[string]any{"enabled": false}
		delete(v["serve"].(map[string]any), key)
		if key == "tlsSecretName" {
			delete(v["serve"].(map[string]any), "clientCASecretName")
		}
		if _, err := Render(chartDir, "fleetaudit", "fleetaudit", v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ExtensionConfig without %s: %v", key, err)
		}
	}
}
