// Package velero installs Velero's published CRDs (velero.io/v1 Backups, Schedules,
// BackupStorageLocations, Restores; see README.md for their source and licence) into a
// test API server and creates Velero objects there, status included.
package velero

import (
	"context"
	"embed"
	"testing"
	"time"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

//go:embed crds/*.yaml
var crds embed.FS

// Install creates the CRDs and waits until the API server serves velero.io/v1.
func Install(t testing.TB, cfg *rest.Config) {
	t.Helper()
	ctx := context.Background()
	ext := apiextclient.NewForConfigOrDie(cfg).ApiextensionsV1().CustomResourceDefinitions()
	entries, err := crds.ReadDir("crds")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := crds.ReadFile("crds/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		var crd apiextv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(b, &crd); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if _, err := ext.Create(ctx, &crd, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create CRD %s: %v", crd.Name, err)
		}
	}
	dc := discovery.NewDiscoveryClientForConfigOrDie(cfg)
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := dc.ServerResourcesForGroupVersion("velero.io/v1")
		if err == nil && len(list.APIResources) >= len(entries) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("velero.io/v1 not served 30s after creating its CRDs: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var kinds = map[string]string{"backups": "Backup", "schedules": "Schedule",
	"backupstoragelocations": "BackupStorageLocation", "restores": "Restore"}

// Create creates a velero.io/v1 object (resource is the plural: backups, schedules,
// backupstoragelocations, restores) from YAML, status included, and checks that the API
// server kept the status it was given.
func Create(t testing.TB, cfg *rest.Config, resource, doc string) *unstructured.Unstructured {
	t.Helper()
	var obj unstructured.Unstructured
	if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
		t.Fatalf("%s: %v", resource, err)
	}
	obj.SetAPIVersion("velero.io/v1")
	obj.SetKind(kinds[resource])
	gvr := schema.GroupVersionResource{Group: "velero.io", Version: "v1", Resource: resource}
	got, err := dynamic.NewForConfigOrDie(cfg).Resource(gvr).Namespace(obj.GetNamespace()).Create(context.Background(), &obj, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create %s %s: %v", resource, obj.GetName(), err)
	}
	want, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	if phase, _, _ := unstructured.NestedString(got.Object, "status", "phase"); phase != want {
		t.Fatalf("%s %s: status.phase %q kept, want %q", resource, obj.GetName(), phase, want)
	}
	return got
}
