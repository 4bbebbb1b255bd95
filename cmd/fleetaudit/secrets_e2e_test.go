package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// TestNoSecretValueInAnyOutput seeds Secrets whose value could leak (a plain Secret, one
// applied with kubectl so the value also sits in its last-applied annotation, and a Helm
// release whose values hold it) and workloads that carry it in env, arguments and
// annotations, audits with Helm release reading on, and greps every report
// format, the snapshot and the audit output for the value, plain and base64.
func TestNoSecretValueInAnyOutput(t *testing.T) {
	const value = "s3cr3t-V4LUE-f1eetaudit-9d2c"
	f := testcluster.Start(t, "vault")
	c := f.Clusters[0]
	ctx := context.Background()
	c.CreateNamespace(t, "app")
	applied, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "applied", "namespace": "app"},
		"stringData": map[string]string{"password": value}})
	for _, s := range []*corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Name: "plain", Namespace: "app"}, StringData: map[string]string{"password": value}},
		{ObjectMeta: metav1.ObjectMeta{Name: "applied", Namespace: "app", Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: string(applied)}},
			StringData: map[string]string{"password": value}},
		helmSecret(t, value),
	} {
		if _, err := c.Admin.CoreV1().Secrets("app").Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// The value also sits where workloads carry values: a Deployment's env, arguments and
	// template annotations, and a running pod's env and annotations.
	spec := corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "app", Image: "app:1", Args: []string{"--password=" + value},
		Env: []corev1.EnvVar{{Name: "PASSWORD", Value: value}}}}}
	meta := metav1.ObjectMeta{Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"note": value}}
	if _, err := c.Admin.AppsV1().Deployments("app").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "app"},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: meta.Labels}, Template: corev1.PodTemplateSpec{ObjectMeta: meta, Spec: spec}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.CreateNode(t, "n1", testcluster.NodeOptions{})
	c.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "debug", Namespace: "app", Annotations: meta.Annotations}, Spec: spec})
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, o, e := runCLI(t, "report", "--kubeconfig", kc, "--helm-releases", "--output-dir", filepath.Join(out, "reports")); code != exitOK {
		t.Fatalf("report: %d %s %s", code, o, e)
	}
	if code, o, e := runCLI(t, "snapshot", "--kubeconfig", kc, "--helm-releases", "--output-dir", filepath.Join(out, "snapshot")); code != exitOK {
		t.Fatalf("snapshot: %d %s %s", code, o, e)
	}
	code, auditOut, _ := runCLI(t, "audit", "--kubeconfig", kc, "--helm-releases", "-o", "json")
	if code != exitOK {
		t.Fatalf("audit: %d", code)
	}
	os.WriteFile(filepath.Join(out, "audit.json"), []byte(auditOut), 0o644)

	needles := [][]byte{[]byte(value), []byte(base64.StdEncoding.EncodeToString([]byte(value)))}
	checked := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		for _, n := range needles {
			if bytes.Contains(b, n) {
				t.Errorf("%s contains the Secret's value", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 9 { // 6 report files, the index, the snapshot, the audit output
		t.Fatalf("checked only %d files", checked)
	}
	// The Helm release was read (so the test exercised that path): its chart shows up.
	snap, _ := os.ReadFile(filepath.Join(out, "snapshot", "vault.json"))
	if !strings.Contains(string(snap), `"chart": "vaultish"`) {
		t.Errorf("the Helm release was not collected; the test would prove nothing about it")
	}
	if !strings.Contains(string(snap), `"ref": "app:1"`) || !strings.Contains(string(snap), `"name": "debug"`) {
		t.Errorf("the Deployment and the pod were not collected as workloads; the test would prove nothing about them")
	}
}

func helmSecret(t *testing.T, value string) *corev1.Secret {
	rel, _ := json.Marshal(map[string]any{"name": "vaultish", "namespace": "app", "version": 1,
		"info":     map[string]any{"status": "deployed"},
		"chart":    map[string]any{"metadata": map[string]any{"name": "vaultish", "version": "1.0.0"}, "values": map[string]any{"password": value}},
		"config":   map[string]any{"password": value},
		"manifest": "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: pw\nstringData:\n  password: " + value + "\n"})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(rel)
	zw.Close()
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1.vaultish.v1", Namespace: "app", Labels: map[string]string{"owner": "helm", "name": "vaultish", "status": "deployed", "version": "1"}},
		Type:       "helm.sh/release.v1",
		Data:       map[string][]byte{"release": []byte(base64.StdEncoding.EncodeToString(buf.Bytes()))},
	}
}
