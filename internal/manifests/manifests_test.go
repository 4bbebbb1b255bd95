package manifests

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

func TestSplitDocumentsLines(t *testing.T) {
	src := "# header\n---\na: 1\n---   # a comment\n# only a comment\n---\n\nb: 2\n...\n--- c: 3\n"
	docs := SplitDocuments("f.yaml", []byte(src))
	var got []string
	for _, d := range docs {
		got = append(got, strings.TrimSpace(string(d.Data))+"@"+itoa(d.Line))
	}
	want := []string{"a: 1@3", "b: 2@7", "c: 3@10"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("documents %v, want %v", got, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// TestLocateFieldPaths resolves field paths as the workload rules write them, in a document
// that starts mid-file, to the field's line and column, or to the nearest ancestor present.
func TestLocateFieldPaths(t *testing.T) {
	src := `apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      volumes:
        - name: data
          hostPath: {path: /srv}
      containers:
        - name: sidecar
          image: a
        - name: app
          image: b
          securityContext:
            privileged: true
`
	loc := newLocator()
	for _, d := range SplitDocuments("dir/app.yaml", []byte(src)) {
		objs, err := parseDocument(&d)
		if err != nil {
			t.Fatal(err)
		}
		for i := range objs {
			loc.add(&objs[i], namespaceOf(&objs[i]))
		}
	}
	ref := policy.ResourceRef{Kind: "Deployment", Namespace: "prod", Name: "web"}
	for _, tc := range []struct{ path, want string }{
		{"", "dir/app.yaml:5"},
		{"spec.template.spec.containers[name=app].securityContext.privileged", "dir/app.yaml:22:13"},
		{"spec.template.spec.containers[name=app].securityContext.runAsNonRoot", "dir/app.yaml:21:11"}, // absent: its parent
		{"spec.template.spec.containers[name=sidecar].image", "dir/app.yaml:18:11"},
		{"spec.template.spec.containers[1]", "dir/app.yaml:19:11"},
		{"spec.template.spec.containers[name=gone].image", "dir/app.yaml:16:7"}, // no such container: the list
		{"spec.template.spec.volumes[name=data].hostPath", "dir/app.yaml:15:11"},
		{"metadata.namespace", "dir/app.yaml:9:3"},
		{"status.replicas", "dir/app.yaml:5"}, // nothing of it: the object
	} {
		ref.FieldPath = tc.path
		l := loc.Locate(ref)
		if l == nil || l.String() != tc.want {
			t.Errorf("%q: got %v, want %s", tc.path, l, tc.want)
		}
	}
	if l := loc.Locate(policy.ResourceRef{Kind: "ConfigMap", Namespace: "default", Name: "first"}); l == nil || l.String() != "dir/app.yaml:1" {
		t.Errorf("ConfigMap without namespace (default): %v", l)
	}
	if l := loc.Locate(policy.ResourceRef{Kind: "Deployment", Namespace: "other", Name: "web"}); l != nil {
		t.Errorf("an object of no file located at %v", l)
	}
}

// TestParseErrorsNameFileAndLine: a syntax error's line is counted in the file, not in its
// document; a list item without kind names the item and its line.
func TestParseErrorsNameFileAndLine(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b: c\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: ok}\n  - metadata: {name: nokind}\n"
	var errs []string
	n := 0
	for _, d := range SplitDocuments("x.yaml", []byte(src)) {
		objs, err := parseDocument(&d)
		n += len(objs)
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	if n != 2 {
		t.Errorf("%d objects read, want 2 (a, ok)", n)
	}
	if len(errs) != 2 || !strings.HasPrefix(errs[0], "x.yaml:8: invalid YAML: mapping values are not allowed") ||
		!strings.HasPrefix(errs[1], "x.yaml:16: item 2 of the List at line 10: object without apiVersion and kind") {
		t.Errorf("errors: %q", errs)
	}
}

// TestJobFacts builds facts from the test folder: versions, the removed-API evidence of the
// policy/v1beta1 PDB, an unknown kind counted, no Secret data anywhere.
func TestJobFacts(t *testing.T) {
	j := Job(ManifestsInput("testdata/fleet", nil), Options{KubeVersion: "v1.30.1"})
	c := j.Facts(context.Background(), nil)
	if c.Status() != "ok" || c.Version.Minor != 30 || c.Source.Objects != 16 || c.Source.Kind != KindManifests {
		t.Fatalf("status %s (%s), version %+v, source %+v", c.Status(), c.Problem(), c.Version, c.Source)
	}
	found := false
	for _, u := range c.Upgrade.APIUse {
		if u.Kind == "PodDisruptionBudget" && u.Version == "v1beta1" && u.Namespace == "apps" && u.Source == "file:testdata/fleet/pdb.yaml:1" {
			found = true
		}
	}
	if !found || len(c.Upgrade.PDBs) != 1 {
		t.Errorf("apiUse %+v, PDBs %+v: want the v1beta1 PDB read and recorded", c.Upgrade.APIUse, c.Upgrade.PDBs)
	}
	b, _ := jsonMarshal(c)
	if bytes.Contains(b, []byte("c3VwZXIt")) || bytes.Contains(b, []byte("plain-secret")) {
		t.Error("the facts hold a Secret's value")
	}
	if l := j.Locate(policy.ResourceRef{Kind: "Secret", Namespace: "apps", Name: "db", FieldPath: "data.password"}); l == nil || l.Line != 1 || l.Column != 0 {
		t.Errorf("a Secret is placed at its object only: %v", l)
	}
}

func TestBuiltKubeVersionMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s.io/api (v\S+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod requires no k8s.io/api")
	}
	if v, ok := kubeVersionOfAPIModule(string(m[1])); !ok || v != builtKubeVersion || DefaultKubeVersion() != v {
		t.Errorf("k8s.io/api %s is Kubernetes %s; builtKubeVersion %s, DefaultKubeVersion %s", m[1], v, builtKubeVersion, DefaultKubeVersion())
	}
	for _, bad := range []string{"1.x", "v2.0.0", "v1.33.0abc", ""} {
		if _, err := ParseKubeVersion(bad); err == nil {
			t.Errorf("ParseKubeVersion(%q) accepted", bad)
		}
	}
	if v, err := ParseKubeVersion("1.33"); err != nil || v.GitVersion != "v1.33" || v.Minor != 33 {
		t.Errorf("ParseKubeVersion(1.33) = %+v, %v", v, err)
	}
}
