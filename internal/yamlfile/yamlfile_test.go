package yamlfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type spec struct {
	Name   string  `json:"name"`
	Count  int     `json:"count"`
	Layers []layer `json:"layers"`
}

type layer struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func TestErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"unknown top-level key", "name: a\ncont: 3\n", "f.yaml:2: unknown field \"cont\""},
		{"unknown nested key", "name: a\nlayers:\n- name: cni\n  versoin: 1\n", "f.yaml:4: unknown field \"layers[0].versoin\""},
		{"wrong type", "name: a\ncount: many\n", "f.yaml:2: count: cannot use a string here, want a number"},
		{"syntax error", "name: a\n  count: [\n", "f.yaml:2: invalid YAML"},
		{"second document", "name: a\n---\nname: b\n", "f.yaml:2: a second YAML document"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s spec
			err := decode("f.yaml", c.doc, &s)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error = %v, want prefix %q", err, c.want)
			}
			var ye *Error
			if !errors.As(err, &ye) || ye.File != "f.yaml" {
				t.Errorf("error is not a *yamlfile.Error naming the file: %#v", err)
			}
		})
	}
}

func decode(name, doc string, v any) error {
	d, err := Parse(name, []byte(doc))
	if err != nil {
		return err
	}
	return d.Decode(v)
}

func TestDecodesYAMLAndJSON(t *testing.T) {
	for _, doc := range []string{
		"name: edge\ncount: 2\nlayers:\n- name: cni\n  version: \"1.2\"\n",
		`{"name": "edge", "count": 2, "layers": [{"name": "cni", "version": "1.2"}]}`,
	} {
		var s spec
		if err := decode("f", doc, &s); err != nil {
			t.Fatal(err)
		}
		if s.Name != "edge" || s.Count != 2 || len(s.Layers) != 1 || s.Layers[0].Version != "1.2" {
			t.Errorf("decoded %+v", s)
		}
	}
}

func TestLine(t *testing.T) {
	d, err := Parse("c.yaml", []byte("kubeconfig: k\nfail-on: hihg\ncis:\n- local\n- job\nspec:\n  layers:\n    cni: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path []string
		want int
	}{
		{[]string{"fail-on"}, 2}, {[]string{"cis", "1"}, 5}, {[]string{"spec", "layers", "cni"}, 8},
		{[]string{"spec", "nope"}, 6}, {nil, 1},
	} {
		if got := d.Line(c.path...); got != c.want {
			t.Errorf("Line(%v) = %d, want %d", c.path, got, c.want)
		}
	}
}

func TestReadAndEmpty(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(p, []byte("# nothing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var s spec
	if err := Read(p, &s); err != nil {
		t.Errorf("empty file: %v", err)
	}
	if err := Read(filepath.Join(dir, "missing.yaml"), &s); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file error = %v", err)
	}
}
