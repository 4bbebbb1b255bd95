package fleet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

func TestSnapshotFileName(t *testing.T) {
	if got := SnapshotFileName("arn:aws:eks:eu-west-1:123456789012:cluster/prod"); got != "arn_aws_eks_eu-west-1_123456789012_cluster_prod.json" {
		t.Errorf("got %s", got)
	}
}

func TestWriteAndReadSnapshot(t *testing.T) {
	dir := t.TempDir()
	v, _ := facts.ParseVersion("v1.34.1")
	in := &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: "a/b", CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Version: v, Nodes: []facts.Node{{Name: "n", Ready: "True"}}, Collection: []facts.CollectorRun{{Collector: "cluster"}}}
	if err := WriteSnapshot(dir, in); err != nil {
		t.Fatal(err)
	}
	files, err := SnapshotFiles(dir)
	if err != nil || len(files) != 1 || filepath.Base(files[0]) != "a_b.json" {
		t.Fatalf("files %v, %v (no temporary file may remain)", files, err)
	}
	out, err := ReadFacts(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if out.Name != "a/b" || out.Version.Minor != 34 || !out.CollectedAt.Equal(in.CollectedAt) || len(out.Nodes) != 1 {
		t.Errorf("round trip lost data: %+v", out)
	}
}

func TestReadFactsErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, want string }{
		"syntax.json":  {"{\n  \"schemaVersion\": \"fleetaudit.io/facts/v1alpha1\",\n  \"name\": \"x\",,\n}", "line 3"},
		"schema.json":  {`{"schemaVersion": "other/v9", "name": "x"}`, `schemaVersion "other/v9" is not supported`},
		"unknown.json": {`{"schemaVersion": "fleetaudit.io/facts/v1alpha1", "name": "x", "nodez": []}`, `unknown field "nodez"`},
		"trunc.json":   {`{"schemaVersion": "fleetaudit.io/facts/v1alpha1", "na`, "truncated"},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadFacts(p)
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v should name the file and contain %q", name, err, tc.want)
		}
	}
}

func TestLoadKubeconfigErrors(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "kc")
	body := "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: https://127.0.0.1:1}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: b\n  context: {cluster: c, user: u}\n- name: a\n  context: {cluster: c, user: u}\n- name: broken\n  context: {cluster: missing, user: u}\n"
	if err := os.WriteFile(kc, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	ts, err := LoadKubeconfig(KubeconfigOptions{Path: kc, Contexts: []string{"a", "b"}, QPS: 7, Burst: 9, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Name != "a" || ts[0].Config.QPS != 7 || ts[0].Config.Burst != 9 || ts[0].Server != "https://127.0.0.1:1" {
		t.Errorf("targets %+v", ts)
	}
	if _, err := LoadKubeconfig(KubeconfigOptions{Path: kc, Contexts: []string{"zzz"}}); err == nil ||
		!strings.Contains(err.Error(), `context "zzz" not found in kubeconfig `+kc+" (available: a, b, broken)") {
		t.Errorf("unknown context error: %v", err)
	}
	if _, err := LoadKubeconfig(KubeconfigOptions{Path: kc, Contexts: []string{"broken"}}); err == nil ||
		!strings.Contains(err.Error(), `context "broken"`) {
		t.Errorf("context with a missing cluster: %v", err)
	}
}

// TestRunBoundsParallelism checks no more than Workers jobs run at once, and that results
// come back sorted whatever the completion order.
func TestRunBoundsParallelism(t *testing.T) {
	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var running, peak int32
	var mu = make(chan struct{}, 1)
	var jobs []Job
	for _, name := range []string{"e", "d", "c", "b", "a", "f"} {
		jobs = append(jobs, Job{Name: name, Facts: func(context.Context, FinalFunc) *facts.Cluster {
			mu <- struct{}{}
			running++
			peak = max(peak, running)
			<-mu
			time.Sleep(20 * time.Millisecond)
			mu <- struct{}{}
			running--
			<-mu
			return &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: name, Collection: []facts.CollectorRun{{Collector: "cluster"}}}
		}})
	}
	a, err := Run(context.Background(), jobs, engine, Options{Workers: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if peak > 2 || peak < 1 {
		t.Errorf("peak parallelism %d, want at most 2", peak)
	}
	var names []string
	for _, r := range a.Clusters {
		names = append(names, r.Cluster)
	}
	if strings.Join(names, "") != "abcdef" {
		t.Errorf("results not sorted: %v", names)
	}
}
