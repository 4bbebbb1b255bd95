package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// readFixtureObjects reads the manifests of dir as unstructured objects (List items
// expanded), independently of internal/manifests, so a bug there cannot hide on both sides.
func readFixtureObjects(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var out []*unstructured.Unstructured
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(b), "\n---") {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if m == nil {
				continue
			}
			u := &unstructured.Unstructured{Object: m}
			if u.GetKind() == "List" {
				items, _ := m["items"].([]any)
				for _, it := range items {
					out = append(out, &unstructured.Unstructured{Object: it.(map[string]any)})
				}
				continue
			}
			out = append(out, u)
		}
	}
	return out
}

// TestManifestsAgreeWithLiveCluster applies the objects of the manifests folder to a real API
// server, audits it live and audits the files, and checks that the workload and RBAC findings
// agree rule for rule and resource for resource. Documented, principled differences:
//   - the policy/v1beta1 PDB is applied as policy/v1 (the server no longer serves v1beta1;
//     that is the removed-API finding files get), and the custom resource is not applied
//     (no CRD): neither is a workload or RBAC object;
//   - the live cluster has objects no file has (system ClusterRoles and their subjects, the
//     system namespaces): only findings about the files' objects, the namespaces they use and
//     the subjects their bindings name are compared.
func TestManifestsAgreeWithLiveCluster(t *testing.T) {
	objs := readFixtureObjects(t, manifestsDir)
	f := testcluster.StartWith(t, testcluster.Options{AllowPrivileged: true}, "files")
	c := f.Cluster("files")
	ctx := context.Background()
	dc, err := discovery.NewDiscoveryClientForConfig(c.Config)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := restmapper.GetAPIGroupResources(dc)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDiscoveryRESTMapper(groups)
	dyn, err := dynamic.NewForConfig(c.Config)
	if err != nil {
		t.Fatal(err)
	}

	// What the comparison covers: the files' objects, their namespaces, the bound subjects.
	covered := map[string]bool{}
	slices.SortStableFunc(objs, func(a, b *unstructured.Unstructured) int { // namespaces first
		return boolRank(b.GetKind() == "Namespace") - boolRank(a.GetKind() == "Namespace")
	})
	for _, u := range objs {
		gvk := u.GroupVersionKind()
		if gvk.Group == "policy" && gvk.Version == "v1beta1" {
			u.SetAPIVersion("policy/v1")
			gvk = u.GroupVersionKind()
		}
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			if meta.IsNoMatchError(err) {
				continue // the custom resource: no CRD on the server
			}
			t.Fatal(err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			if u.GetNamespace() == "" {
				u.SetNamespace("default") // as kubectl apply without -n
			}
			ri = dyn.Resource(m.Resource).Namespace(u.GetNamespace())
			covered["Namespace//"+u.GetNamespace()] = true
		}
		if _, err := ri.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create %s %s: %v", gvk.Kind, u.GetName(), err)
		}
		covered[gvk.Kind+"/"+u.GetNamespace()+"/"+u.GetName()] = true
		if subs, ok := u.Object["subjects"].([]any); ok {
			for _, s := range subs {
				s := s.(map[string]any)
				ns, _ := s["namespace"].(string)
				if s["kind"] == "ServiceAccount" && ns == "" {
					ns = u.GetNamespace()
				}
				covered[s["kind"].(string)+"/"+ns+"/"+s["name"].(string)] = true
			}
		}
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "audit", "--kubeconfig", kc, "-o", "json")
	if code == exitIncomplete || code == exitUsage {
		t.Fatalf("live audit: exit %d: %s", code, errOut)
	}
	live := comparable(t, decodeAudit(t, out).Clusters[0].Findings, covered)
	code, out, errOut = runCLI(t, "audit", "--manifests", manifestsDir, "-o", "json")
	if code != exitOK {
		t.Fatalf("files audit: exit %d: %s", code, errOut)
	}
	files := comparable(t, decodeAudit(t, out).Clusters[0].Findings, nil)
	if !slices.Equal(live, files) {
		t.Errorf("workload and RBAC findings differ\nlive:  %s\nfiles: %s", strings.Join(live, "\n       "), strings.Join(files, "\n       "))
	}
	if len(files) < 10 {
		t.Errorf("only %d findings compared: the fixture lost its violations", len(files))
	}
}

// comparable lists the workload and compliance (RBAC) findings as "RULE Kind/ns/name
// fieldPath message-digest", keeping only resources in covered (all when nil).
func comparable(t *testing.T, fs []policy.Finding, covered map[string]bool) []string {
	t.Helper()
	var out []string
	for _, f := range fs {
		if f.Category != policy.CategoryWorkload && f.Category != policy.CategoryCompliance {
			continue
		}
		key := f.Resource.Kind + "/" + f.Resource.Namespace + "/" + f.Resource.Name
		if covered != nil && !covered[key] {
			continue
		}
		details, _ := json.Marshal(f.Details)
		out = append(out, strings.Join([]string{f.RuleID, key, f.Resource.FieldPath, f.Message, string(details)}, " | "))
	}
	slices.Sort(out)
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
