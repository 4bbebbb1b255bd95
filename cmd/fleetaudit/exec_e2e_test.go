package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// execPlugin writes a client-go exec credential plugin, as aws-iam-authenticator, kubelogin
// or gke-gcloud-auth-plugin are to a cloud kubeconfig: it records its arguments in log and
// prints an ExecCredential with token, or fails as a plugin without cloud credentials does.
func execPlugin(t *testing.T, dir, name, token, log string) string {
	t.Helper()
	body := `echo "$@" >> ` + log + "\n"
	if token == "" {
		body += "exit 1\n" // a real plugin also says why on stderr, which client-go passes through
	} else {
		body += `echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"` + token + `"}}'` + "\n"
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExecCredentialPlugins: a kubeconfig whose users authenticate with exec plugins (the
// EKS/AKS/GKE shape) is audited through them: the plugin runs with its arguments, its token
// reaches the real API server, and a plugin that fails or gives a token the server refuses
// leaves that cluster failed (exit 3), with the others still audited.
func TestExecCredentialPlugins(t *testing.T) {
	f := testcluster.Start(t, "cloud")
	c := f.Cluster("cloud")
	c.CreateNode(t, "n1", testcluster.NodeOptions{KubeletVersion: "v1.34.4"})
	dir := t.TempDir()
	log := filepath.Join(dir, "plugin.log")
	cfg := clientcmdapi.NewConfig()
	for _, ctx := range []struct{ name, token string }{
		{"eks-like", testcluster.AdminToken},
		{"wrong-token", "not-a-token-the-server-knows"},
		{"no-credentials", ""},
	} {
		cfg.Clusters[ctx.name] = &clientcmdapi.Cluster{Server: c.URL, CertificateAuthorityData: c.CAData}
		cfg.AuthInfos[ctx.name] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
			APIVersion: "client.authentication.k8s.io/v1", Command: execPlugin(t, dir, ctx.name+"-plugin", ctx.token, log),
			Args: []string{"token", "-i", ctx.name}, InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}}
		cfg.Contexts[ctx.name] = &clientcmdapi.Context{Cluster: ctx.name, AuthInfo: ctx.name}
	}
	kc := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, kc); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "audit", "--kubeconfig", kc, "-o", "json", "--timeout", "20s")
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d (two contexts cannot authenticate): %s", code, exitIncomplete, errOut)
	}
	clusters := map[string]string{}
	for _, r := range decodeAudit(t, out).Clusters {
		clusters[r.Name] = string(r.Status)
		switch r.Name {
		case "eks-like":
			if r.Status != "ok" || r.Nodes != 1 {
				t.Errorf("eks-like: authenticated by its plugin, want ok with 1 node: %+v", r)
			}
		case "wrong-token":
			if r.Status != "failed" || !strings.Contains(r.Problem, "unauthorized") {
				t.Errorf("wrong-token: want failed, unauthorized: %s %q", r.Status, r.Problem)
			}
		case "no-credentials":
			if r.Status != "failed" || !strings.Contains(r.Problem, "getting credentials: exec") || !strings.Contains(r.Problem, "failed with exit code 1") {
				t.Errorf("no-credentials: a failing plugin must fail the cluster, saying so: %s %q", r.Status, r.Problem)
			}
			if len(r.Collection) == 0 {
				t.Error("no-credentials: no collector run recorded")
			}
			for _, run := range r.Collection {
				if run.Reason != "credentials" {
					t.Errorf("no-credentials: collector %s failed for reason %q, want credentials (not unreachable: no request left)", run.Collector, run.Reason)
				}
			}
		}
	}
	if len(clusters) != 3 {
		t.Fatalf("want 3 clusters, got %v", clusters)
	}
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"eks-like", "wrong-token", "no-credentials"} {
		if !strings.Contains(string(calls), "token -i "+name+"\n") {
			t.Errorf("the %s plugin was not run with its kubeconfig arguments; calls:\n%s", name, calls)
		}
	}
}
