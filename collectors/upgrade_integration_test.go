package collectors

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	flowv1 "k8s.io/api/flowcontrol/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/rules"
)

// widgetCRD serves example.fleetaudit.io Widgets as v1beta1 (deprecated, to be removed in 1.35
// by the table extension below) and v1 (stored).
func widgetCRD() *apiextv1.CustomResourceDefinition {
	schemaProps := &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object",
		Properties: map[string]apiextv1.JSONSchemaProps{"spec": {Type: "object", XPreserveUnknownFields: ptr(true)}}}}
	return &apiextv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.fleetaudit.io"},
		Spec: apiextv1.CustomResourceDefinitionSpec{
			Group: "example.fleetaudit.io", Scope: apiextv1.NamespaceScoped,
			Names: apiextv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Versions: []apiextv1.CustomResourceDefinitionVersion{
				{Name: "v1beta1", Served: true, Storage: false, Deprecated: true, Schema: schemaProps},
				{Name: "v1", Served: true, Storage: true, Schema: schemaProps},
			},
		},
	}
}

func ptr[T any](v T) *T { return &v }

// TestRemovedAPIUseOnRealCluster: objects written with an old API version (kubectl apply's
// last-applied annotation, a server-side apply, a plain create) are found with the replacement
// named; objects that were only read through the old version are not flagged.
func TestRemovedAPIUseOnRealCluster(t *testing.T) {
	cl := testcluster.Start(t, "apis").Clusters[0]
	ctx := context.Background()
	cl.CreateNamespace(t, "shop")
	ext := apiextclient.NewForConfigOrDie(cl.Config)
	if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, widgetCRD(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dyn := dynamic.NewForConfigOrDie(cl.Config)
	old := schema.GroupVersionResource{Group: "example.fleetaudit.io", Version: "v1beta1", Resource: "widgets"}
	cur := old
	cur.Version = "v1"
	widget := func(apiVersion, name string, annotations map[string]any) *unstructured.Unstructured {
		meta := map[string]any{"name": name, "namespace": "shop"}
		if annotations != nil {
			meta["annotations"] = annotations
		}
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": "Widget", "metadata": meta, "spec": map[string]any{"size": 1}}}
	}
	// kubectl apply (client-side) of an old manifest: the annotation records apiVersion v1beta1.
	applied, _ := json.Marshal(widget("example.fleetaudit.io/v1beta1", "applied", nil).Object)
	var err error
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		_, err = dyn.Resource(old).Namespace("shop").Create(ctx, widget("example.fleetaudit.io/v1beta1", "applied",
			map[string]any{"kubectl.kubernetes.io/last-applied-configuration": string(applied)}), metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"})
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	// Server-side apply through the old version.
	ssa, _ := json.Marshal(widget("example.fleetaudit.io/v1beta1", "ssa", nil).Object)
	if _, err := dyn.Resource(old).Namespace("shop").Patch(ctx, "ssa", types.ApplyPatchType, ssa, metav1.PatchOptions{FieldManager: "argocd"}); err != nil {
		t.Fatal(err)
	}
	// Written as v1, then only read as v1beta1: must not be flagged.
	if _, err := dyn.Resource(cur).Namespace("shop").Create(ctx, widget("example.fleetaudit.io/v1", "modern", nil), metav1.CreateOptions{FieldManager: "helm"}); err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(old).Namespace("shop").Get(ctx, "modern", metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(old).Namespace("shop").List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	// A built-in kind whose last apply used flowcontrol v1beta3 (removed in 1.32) years ago.
	fsOld := `{"apiVersion":"flowcontrol.apiserver.k8s.io/v1beta3","kind":"FlowSchema","metadata":{"name":"legacy"}}`
	_, err = cl.Admin.FlowcontrolV1().FlowSchemas().Create(ctx, &flowv1.FlowSchema{
		ObjectMeta: metav1.ObjectMeta{Name: "legacy", Annotations: map[string]string{"kubectl.kubernetes.io/last-applied-configuration": fsOld}},
		Spec: flowv1.FlowSchemaSpec{PriorityLevelConfiguration: flowv1.PriorityLevelConfigurationReference{Name: "global-default"},
			MatchingPrecedence: 9000, Rules: []flowv1.PolicyRulesWithSubjects{{Subjects: []flowv1.Subject{{Kind: flowv1.SubjectKindGroup, Group: &flowv1.GroupSubject{Name: "legacy-tools"}}},
				ResourceRules: []flowv1.ResourcePolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}, Namespaces: []string{"*"}}}}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	table, err := rules.RemovedAPIs()
	if err != nil {
		t.Fatal(err)
	}
	table = append(table, rules.RemovedAPI{Group: "example.fleetaudit.io", Version: "v1beta1", Kinds: []string{"Widget"}, RemovedIn: "1.35", Replacement: "example.fleetaudit.io/v1"})
	md := metadata.NewForConfigOrDie(cl.Config)
	c := &facts.Cluster{Name: "apis"}
	Run(ctx, All(Config{Upgrade: UpgradeConfig{RemovedAPIs: table}}), Target{Client: cl.Admin, Metadata: md}, c)
	if c.Status() != facts.StatusOK {
		t.Fatalf("collection: %s", c.Problem())
	}
	var got []string
	for _, u := range c.Upgrade.APIUse {
		got = append(got, u.Kind+" "+u.Name+" "+u.Group+"/"+u.Version+" "+u.Source)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"Widget applied example.fleetaudit.io/v1beta1 last-applied",
		"Widget applied example.fleetaudit.io/v1beta1 managedFields:kubectl-client-side-apply",
		"Widget ssa example.fleetaudit.io/v1beta1 managedFields:argocd",
		"FlowSchema legacy flowcontrol.apiserver.k8s.io/v1beta3 last-applied",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("API use lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "modern") {
		t.Errorf("an object only read as v1beta1 was flagged:\n%s", all)
	}
	if !c.Upgrade.DeprecatedMetricReadable {
		t.Error("an admin identity can read the API server's /metrics")
	}
	var requested bool
	for _, r := range c.Upgrade.RequestedDeprecatedAPIs {
		requested = requested || (r.Group == "example.fleetaudit.io" && r.Version == "v1beta1" && r.Resource == "widgets")
	}
	if !requested {
		t.Errorf("apiserver_requested_deprecated_apis should show the deprecated Widget version: %+v", c.Upgrade.RequestedDeprecatedAPIs)
	}

	e, err := policy.New(ctx, policy.Options{RemovedAPIs: table})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var denies, warns []string
	for _, f := range fs {
		if f.RuleID == "FA-UPG-004" {
			if f.Kind == "deny" {
				denies = append(denies, f.Message)
			} else {
				warns = append(warns, f.Message)
			}
		}
	}
	want := "Widget shop/ssa was written as example.fleetaudit.io/v1beta1 (managedFields:argocd), which is removed in 1.35: use example.fleetaudit.io/v1"
	if len(denies) != 3 || !strings.Contains(strings.Join(denies, "\n"), want) {
		t.Errorf("FA-UPG-004 denials (3 writes of Widgets): %v", denies)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "FlowSchema legacy was last written as flowcontrol.apiserver.k8s.io/v1beta3 (last-applied), removed since 1.32: update its source manifests to flowcontrol.apiserver.k8s.io/v1") {
		t.Errorf("FA-UPG-004 warnings: %v", warns)
	}
}

func TestHelmReleaseDecoding(t *testing.T) {
	// Helm v3 stores base64(gzip(JSON)); the Secret's data holds that base64 text again.
	rel := map[string]any{"name": "web", "namespace": "shop", "version": 3, "info": map[string]any{"status": "deployed"},
		"chart":    map[string]any{"metadata": map[string]any{"name": "nginx", "version": "15.1.0", "appVersion": "1.25"}},
		"config":   map[string]any{"password": "s3cret"},
		"manifest": "---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n  namespace: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"}
	data := encodeHelmRelease(t, rel)
	h, manifest, err := DecodeHelmRelease(data)
	if err != nil {
		t.Fatal(err)
	}
	if h != (facts.HelmRelease{Namespace: "shop", Name: "web", Chart: "nginx", ChartVersion: "15.1.0", AppVersion: "1.25", Status: "deployed", Revision: 3}) {
		t.Errorf("release %+v", h)
	}
	uses := ManifestAPIUse(manifest, "helm:shop/web")
	if len(uses) != 2 || uses[0] != (facts.APIUse{Group: "policy", Version: "v1beta1", Kind: "PodDisruptionBudget", Namespace: "shop", Name: "web", Source: "helm:shop/web"}) {
		t.Errorf("manifest API use %+v", uses)
	}
	b, _ := json.Marshal(h)
	if strings.Contains(string(b), "s3cret") {
		t.Error("release values must not reach the facts")
	}
}
