package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// TestGateDeniesCRDStoredInRemovedVersion: on real API servers, a cert-manager CRD whose
// status.storedVersions still lists v1alpha2 (set through the status subresource, as an
// install that once stored v1alpha2 objects leaves it) blocks the gate, naming the CRD and
// what to do; the same CRD with only v1 stored does not.
func TestGateDeniesCRDStoredInRemovedVersion(t *testing.T) {
	testcluster.RequireBinaries(t)
	f := testcluster.Start(t, "legacy", "migrated")
	ctx := context.Background()
	b, err := os.ReadFile("testdata/certificates-crd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"legacy", "migrated"} {
		cl := f.Cluster(name)
		for _, n := range []string{"n1", "n2", "n3"} {
			cl.CreateNode(t, n, testcluster.NodeOptions{CPU: "8", Memory: "32Gi"})
		}
		var crd apiextv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(b, &crd); err != nil {
			t.Fatal(err)
		}
		ext := apiextclient.NewForConfigOrDie(cl.Config).ApiextensionsV1().CustomResourceDefinitions()
		created, err := ext.Create(ctx, &crd, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if name == "legacy" {
			// The API server's own CRD controllers update the status right after the create
			// (Established, NamesAccepted): read it again on a conflict.
			err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
				cur, err := ext.Get(ctx, created.Name, metav1.GetOptions{})
				if err != nil {
					return err
				}
				cur.Status.StoredVersions = []string{"v1alpha2", "v1"}
				_, err = ext.UpdateStatus(ctx, cur, metav1.UpdateOptions{})
				return err
			})
			if err != nil {
				t.Fatalf("set storedVersions: %v", err)
			}
		}
		got, err := ext.Get(ctx, crd.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string][]string{"legacy": {"v1alpha2", "v1"}, "migrated": {"v1"}}[name]; !slices.Equal(got.Status.StoredVersions, want) {
			t.Fatalf("%s: storedVersions %v, want %v", name, got.Status.StoredVersions, want)
		}
	}
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "profile.yaml")
	write(t, profile, "apiVersion: fleetaudit.io/v1alpha1\nkind: ClusterProfile\nmetadata: {name: crd-gate}\nspec:\n  version: 1.0.0\n  kubernetesVersion: v1.35.0\n  selector: {clusters: [\"*\"]}\n")
	code, out, errOut := runCLI(t, "gate", "--kubeconfig", kc, "--profile", profile, "-o", "json")
	var res policy.GateReport
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, out, errOut)
	}
	if code != exitFindings || res.Allowed {
		t.Errorf("exit %d, allowed %v: want the fleet denied", code, res.Allowed)
	}
	want := "FA-UPG-004 high: CustomResourceDefinition certificates.cert-manager.io still lists v1alpha2 in status.storedVersions, and cert-manager.io/v1alpha2 is removed (cert-manager deprecated it in 1.4 and removed it in 1.6): migrate the stored Certificate objects to cert-manager.io/v1, then trim storedVersions"
	for _, d := range res.Decisions {
		reasons := strings.Join(d.Reasons, "\n")
		switch d.Cluster {
		case "legacy":
			if d.Allowed || !strings.Contains(reasons, want) {
				t.Errorf("legacy: allowed %v, reasons:\n%s\nwant %q", d.Allowed, reasons, want)
			}
		case "migrated":
			if !d.Allowed || strings.Contains(reasons, "storedVersions") {
				t.Errorf("migrated: allowed %v, reasons:\n%s", d.Allowed, reasons)
			}
		default:
			t.Errorf("unexpected cluster %s", d.Cluster)
		}
	}
}
