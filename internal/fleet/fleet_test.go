package fleet

import (
	"context"
	"errors"
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
		"syntax.json":  {"{\n  \"schemaVersion\": \"fleetaudit.io/facts/v1alpha1\",\n  \"name\": \"x\",,\n}", "line 3: invalid JSON"},
		"schema.json":  {`{"schemaVersion": "other/v9", "name": "x"}`, `schemaVersion: "other/v9" is not supported`},
		"unknown.json": {`{"schemaVersion": "fleetaudit.io/facts/v1alpha1", "name": "x", "nodez": []}`, `line 1: nodez: unknown field`},
		"trunc.json":   {`{"schemaVersion": "fleetaudit.io/facts/v1alpha1", "na`, "truncated"},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadFacts(p)
		if err == nil || !strings.HasPrefix(err.Error(), p+": ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v should name the file and contain %q", name, err, tc.want)
		}
	}
}

// TestOlderDocumentsLoad: the schema version has only gained optional fields, so documents
// written by earlier builds (the demo fleet's first versions) still load, strictly.
func TestOlderDocumentsLoad(t *testing.T) {
	snap, err := OpenSnapshot("testdata/older", SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range snap.Files {
		names = append(names, f.Cluster)
	}
	if strings.Join(names, " ") != "prod-eu-west prod-us-central" {
		t.Errorf("clusters %v", names)
	}
}

// TestOpenSnapshotRefusesHostileFolders: each problem names the file, the line and JSON
// path where there is one, and what to do; every problem of the folder is listed at once.
func TestOpenSnapshotRefusesHostileFolders(t *testing.T) {
	good, err := os.ReadFile("testdata/older/2026-11-first.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := func(name string) string {
		return strings.Replace(string(good), `"name": "prod-eu-west"`, `"name": "`+name+`"`, 1)
	}
	for name, tc := range map[string]struct {
		files map[string]string
		opts  SnapshotOptions
		want  string
	}{
		"duplicate cluster": {map[string]string{"a.json": doc("prod"), "b.json": doc("prod")}, SnapshotOptions{},
			`snapshot DIR/a.json and DIR/b.json both hold cluster "prod": a cluster is named once in a snapshot folder; remove one of the files`},
		"trailing garbage": {map[string]string{"a.json": doc("a") + "}\n"}, SnapshotOptions{},
			`snapshot DIR/a.json: line 142: data after the end of the JSON document: a facts file holds exactly one document; remove everything after its closing }`},
		"null node": {map[string]string{"a.json": strings.Replace(doc("a"), `"nodes": [`, `"nodes": [null,`, 1)}, SnapshotOptions{},
			`snapshot DIR/a.json: line 13: nodes[0]: null is not allowed here: want an object (Node); remove the null`},
		"too large": {map[string]string{"a.json": doc("a")}, SnapshotOptions{MaxFileSize: 1024},
			`snapshot DIR/a.json is 3.8 KiB, over the limit of 1 KiB (raise the limit with --max-snapshot-size)`},
		"several": {map[string]string{"a.json": "{", "b.json": doc("b"), "c.json": `{"schemaVersion": "fleetaudit.io/facts/v1alpha1", "name": "b"}`, "d.json": "[]"}, SnapshotOptions{},
			`snapshot folder DIR: 3 problems: DIR/a.json: line 1: invalid JSON: truncated document; DIR/d.json: line 1: not a facts document: want a JSON object, got array; DIR/b.json and DIR/c.json both hold cluster "b"`},
	} {
		dir := t.TempDir()
		for f, body := range tc.files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := OpenSnapshot(dir, tc.opts)
		var se *SnapshotError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v, want a *SnapshotError", name, err)
			continue
		}
		if got := strings.ReplaceAll(err.Error(), dir, "DIR"); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, tc.want)
		}
	}
}

func TestOpenSnapshotDefaultLimitAndOtherFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, DefaultMaxSnapshotFileSize+1); err != nil { // sparse: never read
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := OpenSnapshot(dir, SnapshotOptions{})
	want := "snapshot folder " + dir + ": 2 problems: " + big + " is 67108865 bytes, over the limit of 64 MiB (raise the limit with --max-snapshot-size); " +
		filepath.Join(dir, "folder.json") + " is not a regular file (d---------)"
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
}

// TestSnapshotJobs: jobs are named after the cluster a document holds (not its file), and a
// document that changes after the folder was checked fails only its cluster.
func TestSnapshotJobs(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/older/2026-11-first.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"one.json", "two.json"} {
		body := strings.Replace(string(src), `"prod-eu-west"`, `"cluster-`+strings.TrimSuffix(f, ".json")+`"`, 1)
		if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := OpenSnapshot(dir, SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	jobs := snap.Jobs()
	if len(jobs) != 2 || jobs[0].Name != "cluster-one" || jobs[1].Name != "cluster-two" {
		t.Fatalf("jobs %v", jobs)
	}
	if err := os.WriteFile(filepath.Join(dir, "two.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := jobs[0].Facts(context.Background(), nil); c.Status() != facts.StatusOK || c.Name != "cluster-one" {
		t.Errorf("one: %s %s", c.Status(), c.Problem())
	}
	c := jobs[1].Facts(context.Background(), nil)
	if c.Name != "cluster-two" || c.Status() != facts.StatusFailed || !strings.Contains(c.Problem(), "two.json: schemaVersion: missing") {
		t.Errorf("two: %s %s %s", c.Name, c.Status(), c.Problem())
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
