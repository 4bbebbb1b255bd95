package collectors

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// kubeBenchTestdata is kube-bench's own sample output in the module cache (not copied here).
func kubeBenchTestdata(t *testing.T, name string) []byte {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", kubeBenchModule).Output()
	if err != nil {
		t.Fatalf("locate kube-bench module: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "cmd", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseKubeBenchJSONBothShapes(t *testing.T) {
	for _, name := range []string{"result.json", "result_no_totals.json"} {
		controls, err := ParseKubeBenchJSON(kubeBenchTestdata(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// kube-bench's sample holds one check per control: master 1.1.1 PASS (scored),
		// etcd 2.1 PASS (scored), controlplane 3.1.1 WARN (not scored).
		n := CISNodeFacts("n1", controls)
		var got []string
		for _, c := range n.Checks {
			got = append(got, fmt.Sprintf("%s/%s/%s/%s/%v", c.NodeType, c.Section, c.ID, c.Status, c.Scored))
		}
		want := "master/1.1/1.1.1/PASS/true etcd/2/2.1/PASS/true controlplane/3.1/3.1.1/WARN/false"
		if strings.Join(got, " ") != want {
			t.Errorf("%s: got %v, want %s", name, got, want)
		}
		cis := facts.CIS{Nodes: []facts.CISNode{n}}
		if p, e := cis.ScoredCounts(); p != 2 || e != 2 {
			t.Errorf("%s: scored counts %d/%d, want 2/2", name, p, e)
		}
	}
}

func TestParseKubeBenchJSONErrors(t *testing.T) {
	good := kubeBenchTestdata(t, "result.json")
	for name, tc := range map[string]struct {
		in   []byte
		want string
	}{
		"truncated":  {good[:len(good)/3], "truncated document"},
		"syntax":     {[]byte("{\n\"Controls\": [\n  {\"id\": 1,,}\n]}"), "line 3"},
		"empty":      {[]byte("  "), "empty kube-bench output"},
		"other":      {[]byte(`{"items": []}`), "no Controls"},
		"null group": {[]byte(`{"Controls": [{"id": "1", "tests": [null]}]}`), "control 1: tests[0] is null"},
		"null check": {[]byte(`[{"id": "1", "tests": [{"section": "1.1", "results": [{}, null]}]}]`), "control 1: tests[0].results[1] is null"},
		"trailing":   {append(append([]byte{}, good...), `{"Controls": []}`...), "invalid character '{' after top-level value"},
	} {
		if _, err := ParseKubeBenchJSON(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", name, err, tc.want)
		}
	}
}

func TestParseCISSource(t *testing.T) {
	for in, want := range map[string][3]string{
		"local":                 {"*", "local", ""},
		"prod=job":              {"prod", "job", ""},
		"file:/r/x.json":        {"*", "file", "/r/x.json"},
		"edge=file:/r/a=b.json": {"edge", "file", "/r/a=b.json"},
	} {
		c, s, err := ParseCISSource(in)
		if err != nil || [3]string{c, s.Kind, s.Path} != want {
			t.Errorf("%q: %s %+v %v", in, c, s, err)
		}
	}
	for _, bad := range []string{"kubebench", "file:", "local:/x"} {
		if _, _, err := ParseCISSource(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestChooseBenchmark(t *testing.T) {
	dir, err := FindCISConfigDir("")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadKubeBenchConfig(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	v := func(s string) *facts.Version { x, _ := facts.ParseVersion(s); return x }
	eksNode := facts.Node{ProviderID: "aws:///eu-west-1a/i-1", Labels: map[string]string{"eks.amazonaws.com/nodegroup": "ng"}}
	aksNode := facts.Node{ProviderID: "azure:///subscriptions/x", Labels: map[string]string{"kubernetes.azure.com/agentpool": "p"}}
	for _, tc := range []struct {
		c        facts.Cluster
		override string
		want     string
	}{
		{facts.Cluster{Version: v("v1.34.4")}, "", "cis-1.12"},
		{facts.Cluster{Version: v("v1.30.1")}, "", "cis-1.11"},
		{facts.Cluster{Version: v("v1.36.0")}, "", "cis-1.12"}, // newer than the mapping: step down
		{facts.Cluster{Version: v("v1.33.5-eks-3025e55")}, "", "eks-1.8.0"},
		{facts.Cluster{Version: v("v1.30.2"), Nodes: []facts.Node{eksNode}}, "", "eks-1.7.0"},
		{facts.Cluster{Version: v("v1.34.2-gke.1163000")}, "", "gke-1.9.0"},
		{facts.Cluster{Version: v("v1.31.0"), Nodes: []facts.Node{aksNode}}, "", "aks-1.7"},
		{facts.Cluster{Version: v("v1.34.4-gke.1")}, "cis-1.10", "cis-1.10"},
	} {
		got, err := ChooseBenchmark(cfg, &tc.c, tc.override)
		if err != nil || got != tc.want {
			t.Errorf("%s %v: got %s %v, want %s", tc.c.Version.GitVersion, tc.c.Nodes, got, err, tc.want)
		}
	}
}

func TestFindCISConfigDirSaysWhereItLooked(t *testing.T) {
	t.Setenv(CISConfigDirEnv, "/nonexistent/env-dir")
	_, err := FindCISConfigDir("/nonexistent/flag-dir")
	if err != nil && (!strings.Contains(err.Error(), "/nonexistent/flag-dir (--cis-config-dir)") ||
		!strings.Contains(err.Error(), "/nonexistent/env-dir ($"+CISConfigDirEnv+")")) {
		t.Errorf("error should list the places tried: %v", err)
	}
	if err == nil {
		t.Log("found kube-bench cfg further down the search (module cache): fine")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("master: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := FindCISConfigDir(dir); err != nil || got != dir {
		t.Errorf("flag value should win: %s %v", got, err)
	}
}

func TestDetectBinariesAndSubstitute(t *testing.T) {
	ps := func(proc string) string {
		return map[string]string{
			"kube-apiserver": "/usr/local/bin/kube-apiserver --etcd-servers=x\n",
			"hyperkube":      "hyperkube kube-scheduler --v=2\n",
		}[proc]
	}
	section := map[string]any{
		"components": []any{"apiserver", "scheduler", "flanneld"},
		"apiserver":  map[string]any{"bins": []any{"kube-apiserver", "apiserver"}},
		"scheduler":  map[string]any{"bins": []any{"kube-scheduler", "hyperkube kube-scheduler"}},
		"flanneld":   map[string]any{"bins": []any{"flanneld"}, "optional": true},
	}
	bins, err := detectBinaries(section, ps)
	if err != nil {
		t.Fatal(err)
	}
	if bins["apiserver"] != "kube-apiserver" || bins["scheduler"] != "hyperkube kube-scheduler" || bins["flanneld"] != "flanneld" {
		t.Errorf("bins %v", bins)
	}
	s, used := substitute("ps -ef | grep $apiserverbin; ps $schedulerbin", "bin", bins)
	if s != "ps -ef | grep kube-apiserver; ps 'hyperkube kube-scheduler'" || len(used) != 2 {
		t.Errorf("substitute: %q %v", s, used)
	}
	section["etcd"] = map[string]any{"bins": []any{"etcd"}}
	section["components"] = []any{"apiserver", "etcd"}
	if _, err := detectBinaries(section, ps); err == nil {
		t.Error("a mandatory component that is not running must make detection fail")
	}
}

func TestKubeBenchResultSizeLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "prod.json")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxKubeBenchResultSize+1); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	_, err := ReadCISFiles(dir, "prod")
	if err == nil || err.Error() != "read kube-bench results: "+big+" is 16777217 bytes, over the limit of 16 MiB" {
		t.Errorf("error %v", err)
	}
}

// TestKubeBenchLogIsBounded: the job source asks the API server for at most
// MaxKubeBenchResultSize+1 bytes of log and stops reading there even when the server sends more.
func TestKubeBenchLogIsBounded(t *testing.T) {
	var limitBytes string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limitBytes = r.URL.Query().Get("limitBytes")
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 64 { // 64 MiB, ignoring limitBytes
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	cs := kubernetes.NewForConfigOrDie(&rest.Config{Host: srv.URL})
	_, err := readKubeBenchLog(context.Background(), cs.CoreV1().Pods("default"), "kube-bench-abc")
	if err == nil || err.Error() != "the log is over the limit of 16 MiB" {
		t.Errorf("error %v", err)
	}
	if limitBytes != "16777217" {
		t.Errorf("limitBytes %q, want 16777217", limitBytes)
	}
}
