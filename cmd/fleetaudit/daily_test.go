package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/reports"
)

func TestConfigFileMirrorsFlagsAndFlagsWin(t *testing.T) {
	dir := t.TempDir()
	rulesDir := filepath.Join(dir, "rules")
	write(t, filepath.Join(rulesDir, "always.rego"), "# METADATA\n# title: Always\n# custom:\n#   id: CFG-001\n#   severity: critical\n#   category: upgrade\npackage cfg.always\n\ndeny contains {\"msg\": \"from the config's rules\", \"resource\": \"cluster\"} if true\n")
	cfg := filepath.Join(dir, "fleetaudit.yaml")
	write(t, cfg, "rules: ["+rulesDir+"]\nfail-on: critical\nworkers: 2\ntimeout: 30s\n")
	code, out, errOut := runCLI(t, "audit", "--demo", "--config", cfg)
	if code != exitFindings || !strings.Contains(out, "from the config's rules") {
		t.Fatalf("config not applied: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "audit", "--demo", "--config", cfg, "--fail-on", "none"); code != exitOK {
		t.Errorf("--fail-on none on the command line must win over the config's critical: exit %d", code)
	}
	if code, out, _ := runCLI(t, "config", "validate", cfg); code != exitOK || !strings.Contains(out, "valid (4 keys") {
		t.Errorf("config validate: %d %s", code, out)
	}
	for body, want := range map[string]string{
		"timeout: soon\n":      `timeout: "soon" is not a duration`,
		"kubeconfg: /x\n":      `unknown key "kubeconfg"`,
		"workers: [1, 2]\n":    "workers: want one value, not a list",
		"timeout: 1s\n  bad\n": "fleetaudit.yaml",
	} {
		write(t, cfg, body)
		code, _, errOut := runCLI(t, "config", "validate", cfg)
		if code != exitUsage || !strings.Contains(errOut, want) || !strings.Contains(errOut, cfg) {
			t.Errorf("config %q: exit %d, stderr %q, want %q", body, code, errOut, want)
		}
		if code, _, _ := runCLI(t, "audit", "--demo", "--config", cfg); code != exitUsage {
			t.Errorf("audit with bad config %q: exit %d", body, code)
		}
	}
}

// TestConfigKeysAreTheFlags: the config keys are the flags of the command tree, with the
// flag's kind and allowed values; the per-invocation flags are not keys.
func TestConfigKeysAreTheFlags(t *testing.T) {
	keys := configKeys(newRootCmd(&cli{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard}))
	for name, want := range map[string]string{
		"kubeconfig": "string", "context": "list", "timeout": "duration", "workers": "int", "qps": "float",
		"helm-releases": "bool", "cis": "list", "profile": "list", "fail-on": "string", "format": "list",
		"request-timeout": "string", "interval": "duration", "report-format": "list", "log-level": "string",
	} {
		if keys[name].Kind != want {
			t.Errorf("config key %q: kind %q, want %q", name, keys[name].Kind, want)
		}
	}
	if got := strings.Join(keys["fail-on"].Allowed, ","); got != "info,low,medium,high,critical,none" {
		t.Errorf("fail-on allows %s", got)
	}
	if got := strings.Join(keys["format"].Allowed, ","); got != strings.Join(reports.FormatNames(true), ",") {
		t.Errorf("format allows %s", got)
	}
	for _, name := range perInvocationFlags {
		if _, ok := keys[name]; ok {
			t.Errorf("per-invocation flag --%s is a config key", name)
		}
	}
	for name, k := range keys {
		if k.Kind == "" {
			t.Errorf("flag --%s has a type with no config kind (add it to flagKind)", name)
		}
	}
	if len(keys) < 50 {
		t.Errorf("only %d config keys", len(keys))
	}
}

func TestStructuredLogsAndNoProgressOffTerminal(t *testing.T) {
	code, _, errOut := runCLI(t, "audit", "--demo", "--log-format", "json", "--log-level", "debug")
	if code != exitOK {
		t.Fatal(code)
	}
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(errOut))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("stderr line is not JSON (progress must not be printed off a terminal): %q", sc.Text())
		}
		if rec["msg"] == "cluster audited" && rec["cluster"] != nil {
			lines++
		}
	}
	if lines != 3 {
		t.Errorf("want one debug record per demo cluster, got %d:\n%s", lines, errOut)
	}
	if _, _, errOut := runCLI(t, "audit", "--demo"); errOut != "" {
		t.Errorf("at the default level an audit logs nothing and shows no progress off a terminal: %q", errOut)
	}
	if code, _, _ := runCLI(t, "audit", "--demo", "--log-format", "xml"); code != exitUsage {
		t.Errorf("bad log format: exit %d", code)
	}
}

// TestProgressOnTerminal runs the real binary on a pseudo-terminal (util-linux script): the
// status line appears there.
func TestProgressOnTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script (util-linux) not available")
	}
	bin := filepath.Join(t.TempDir(), "fleetaudit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(script, "-qec", bin+" audit --demo", "/dev/null").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "[3/3]") || !strings.Contains(string(out), "\x1b[K") {
		t.Errorf("no progress line on a terminal:\n%q", out[:min(400, len(out))])
	}
}
