package main

import (
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// commandLines are the fleetaudit invocations of a shell script: continuation lines joined,
// the output redirection cut off.
func commandLines(script string) [][]string {
	var out [][]string
	joined := strings.ReplaceAll(script, "\\\n", " ")
	for _, l := range strings.Split(joined, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "fleetaudit" {
			continue
		}
		for i, w := range f {
			if w == ">" || strings.HasPrefix(w, ">") {
				f = f[:i]
				break
			}
		}
		out = append(out, f[1:])
	}
	return out
}

// parses checks that args name a fleetaudit command and flags that exist, with valid enum
// values, without running it.
func parses(t *testing.T, where string, args []string) {
	t.Helper()
	root := newRootCmd(&cli{})
	cmd, rest, err := root.Find(args)
	if err != nil {
		t.Fatalf("%s: %v: %v", where, args, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%s: fleetaudit %s: %v", where, strings.Join(args, " "), err)
	}
}

// TestCIExamplesUseRealFlags: the GitHub Actions workflow and the pre-commit hook call
// fleetaudit with commands and flags it has (a renamed flag fails here, not in a user's CI).
func TestCIExamplesUseRealFlags(t *testing.T) {
	b, err := os.ReadFile("../../examples/ci/github-actions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Run string `json:"run"`
			} `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range wf.Jobs {
		for _, s := range j.Steps {
			for _, args := range commandLines(s.Run) {
				parses(t, "github-actions.yaml", args)
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("the workflow runs no fleetaudit command")
	}

	b, err = os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID    string   `json:"id"`
		Entry string   `json:"entry"`
		Args  []string `json:"args"`
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "fleetaudit-manifests" {
		t.Fatalf("hooks %+v", hooks)
	}
	entry := strings.Fields(hooks[0].Entry)
	if entry[0] != "fleetaudit" {
		t.Fatalf("entry %q", hooks[0].Entry)
	}
	// pre-commit appends the staged files: audit takes them as arguments.
	parses(t, ".pre-commit-hooks.yaml", append(append(entry[1:], hooks[0].Args...), "app.yaml", "rbac.yaml"))

	b, err = os.ReadFile("../../examples/ci/pre-commit-config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Repos []struct {
			Hooks []struct {
				ID   string   `json:"id"`
				Args []string `json:"args"`
			} `json:"hooks"`
		} `json:"repos"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	h := cfg.Repos[0].Hooks[0]
	if h.ID != hooks[0].ID {
		t.Errorf("the example config uses hook %q, the definition is %q", h.ID, hooks[0].ID)
	}
	parses(t, "pre-commit-config.yaml", append(append(entry[1:], h.Args...), "app.yaml"))
}
