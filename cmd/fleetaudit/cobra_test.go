package main

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
)

// leafCommands are the runnable commands of the tree as argument paths ("rules", "list").
func leafCommands(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	root := newRootCmd(&cli{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard})
	walk(root, func(cmd *cobra.Command) {
		if cmd == root || cmd.HasSubCommands() || cmd.Hidden || cmd.Name() == "help" {
			return
		}
		out = append(out, strings.Fields(strings.TrimPrefix(cmd.CommandPath(), "fleetaudit ")))
	})
	if len(out) < 13 {
		t.Fatalf("only %d commands: %v", len(out), out)
	}
	return out
}

// TestEveryCommandHelp: -h on every command exits 0 and prints its examples and its flags
// under their group headings, each flag in the section of its group.
func TestEveryCommandHelp(t *testing.T) {
	root := newRootCmd(&cli{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard})
	walk(root, func(cmd *cobra.Command) {
		if cmd.Hidden || cmd.Name() == "help" {
			return
		}
		path := strings.Fields(strings.TrimPrefix(cmd.CommandPath(), "fleetaudit"))
		t.Run(strings.Join(append([]string{"fleetaudit"}, path...), " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, append(path, "-h")...)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if cmd.Example == "" || !strings.Contains(out, "Examples:\n"+strings.SplitN(cmd.Example, "\n", 2)[0]) {
				t.Errorf("help shows no examples:\n%s", out)
			}
			if !strings.Contains(out, "Global flags:\n      --config string") {
				t.Errorf("help lacks the global --config:\n%s", out)
			}
			cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
				if f.Hidden || f.Name == "help" {
					return
				}
				section := helpSection(out, flagGroup(f))
				if !strings.Contains(section, "--"+f.Name+" ") {
					t.Errorf("--%s is not in the %q section:\n%s", f.Name, flagGroup(f), out)
				}
			})
		})
	})
	_, out, _ := runCLI(t, "audit", "-h")
	for _, g := range []string{groupCluster, groupCollection, groupRules, groupCost, groupCIS, groupOutput, groupLogging} {
		if !strings.Contains(out, "\n"+g+":\n") {
			t.Errorf("audit -h lacks the %q group", g)
		}
	}
	if !strings.Contains(helpSection(out, groupRules), "(info|low|medium|high|critical|none)") {
		t.Errorf("--fail-on help does not list the severities:\n%s", helpSection(out, groupRules))
	}
}

// helpSection is the text of one "Group:" section of a help text.
func helpSection(help, group string) string {
	_, rest, ok := strings.Cut(help, "\n"+group+":\n")
	if !ok {
		return ""
	}
	end := strings.Index(rest, "\n\n")
	if end < 0 {
		return rest
	}
	return rest[:end]
}

// TestBadFlagAndUnknownCommand: a wrong flag or command is exit 2 with one error line
// that names it, for every command.
func TestBadFlagAndUnknownCommand(t *testing.T) {
	for _, path := range leafCommands(t) {
		code, out, errOut := runCLI(t, append(path, "--no-such-flag")...)
		if code != exitUsage || out != "" || errOut != "fleetaudit "+strings.Join(path, " ")+": unknown flag: --no-such-flag\n" {
			t.Errorf("%v --no-such-flag: exit %d, stdout %q, stderr %q", path, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"frobnicate"}, {"audti"}, {"rules", "lst"}, {"rbac", "whocan"}, {"config", "check"}} {
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, `unknown command "`+args[len(args)-1]+`"`) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if _, _, errOut := runCLI(t, "audti"); !strings.Contains(errOut, "did you mean audit?") {
		t.Errorf("no suggestion for a typo: %q", errOut)
	}
	for _, args := range [][]string{{}, {"rules"}, {"rbac"}, {"profile"}, {"config"}, {"completion"}, {"completion", "tcsh"}, {"audit", "extra"}, {"profile", "validate"}} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestFindingInNamespace(t *testing.T) {
	ref := func(kind, ns, name string) policy.ResourceRef {
		return policy.ResourceRef{Kind: kind, Namespace: ns, Name: name}
	}
	for _, c := range []struct {
		res  policy.ResourceRef
		want bool
	}{
		{ref("Deployment", "payments", "payments-api"), true},
		{ref("ServiceAccount", "payments", "payments-api"), true},
		{ref("RoleBinding", "payments", "x"), true},
		{ref("Namespace", "", "payments"), true},
		{ref("Deployment", "checkout", "payments"), false},
		{ref("Namespace", "", "checkout"), false},
		{ref("Node", "", "payments"), false},
		{ref("User", "", "payments"), false},
		{ref("ClusterRole", "", "payments"), false},
		{policy.ResourceRef{APIVersion: "payments/v1", Kind: "APIResource", Name: "things"}, false},
		{ref("Cluster", "", "payments"), false},
		{policy.ResourceRef{}, false},
	} {
		if got := findingInNamespace(policy.Finding{Resource: c.res}, "payments"); got != c.want {
			t.Errorf("%+v in payments: %v, want %v", c.res, got, c.want)
		}
	}
}

// TestAuditNamespace: -n shows only the findings in that namespace, in JSON, YAML and the
// table alike; scores stay the cluster's; --fail-on judges what is shown.
func TestAuditNamespace(t *testing.T) {
	_, all, _ := runCLI(t, "audit", "--demo", "-o", "json")
	full := decodeAudit(t, all)
	code, out, errOut := runCLI(t, "audit", "--demo", "-n", "payments", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := decodeAudit(t, out)
	n := 0
	for i, c := range got.Clusters {
		for _, f := range c.Findings {
			n++
			if f.Resource.Namespace != "payments" && f.Resource != (policy.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "payments"}) {
				t.Errorf("%s: finding about %s shown for -n payments", c.Name, f.Resource)
			}
		}
		if len(c.Scores) == 0 || c.Scores["rbac"] != full.Clusters[i].Scores["rbac"] {
			t.Errorf("%s: scores changed by -n: %v vs %v", c.Name, c.Scores, full.Clusters[i].Scores)
		}
	}
	total := 0
	for _, c := range full.Clusters {
		total += len(c.Findings)
	}
	if n == 0 || n >= total {
		t.Fatalf("-n payments shows %d of %d findings", n, total)
	}
	_, yamlOut, _ := runCLI(t, "audit", "--demo", "--namespace", "payments", "-o", "yaml")
	var y reports.Report
	if err := yaml.Unmarshal([]byte(yamlOut), &y); err != nil || len(y.Clusters) != 3 {
		t.Fatalf("-o yaml is not the audit document: %v\n%.300s", err, yamlOut)
	}
	for i := range y.Clusters {
		if len(y.Clusters[i].Findings) != len(got.Clusters[i].Findings) {
			t.Errorf("%s: yaml has %d findings, json %d", y.Clusters[i].Name, len(y.Clusters[i].Findings), len(got.Clusters[i].Findings))
		}
	}
	_, table, _ := runCLI(t, "audit", "--demo", "-n", "payments")
	if strings.Contains(table, "checkout") || !strings.Contains(table, "payments-db") {
		t.Errorf("table with -n payments:\n%s", table)
	}
	if code, _, _ := runCLI(t, "audit", "--demo", "-n", "payments", "--fail-on", "critical"); code != exitOK {
		t.Errorf("payments has no critical finding (the fleet has): exit %d", code)
	}
	if code, _, _ := runCLI(t, "audit", "--demo", "-n", "payments", "--fail-on", "high"); code != exitFindings {
		t.Errorf("payments has a high finding: exit %d", code)
	}
	// The demo fleet's kube-system findings: staging's CoreDNS PDB that blocks drains and its
	// cluster autoscaler node group at max; prod-us-central's fluentbit-gke on 2 of 3 nodes.
	_, out, _ = runCLI(t, "audit", "--demo", "-n", "kube-system")
	if strings.Count(out, "no findings") != 1 || !strings.Contains(out, "PodDisruptionBudget/kube-system/coredns") ||
		!strings.Contains(out, "Deployment/kube-system/cluster-autoscaler") || !strings.Contains(out, "DaemonSet/kube-system/fluentbit-gke") ||
		!strings.Contains(out, "findings: 0 critical, 1 high, 2 medium, 0 low, 0 info") {
		t.Errorf("-n kube-system on the demo fleet:\n%s", out)
	}
	_, out, _ = runCLI(t, "audit", "--demo", "-n", "no-such-namespace")
	if strings.Count(out, "no findings") != 3 || !strings.Contains(out, "findings: 0 critical, 0 high, 0 medium, 0 low, 0 info") {
		t.Errorf("-n no-such-namespace shows findings:\n%s", out)
	}
}

// TestOutputDir: report, snapshot and dashboards write into --output-dir; their -o DIR of
// the last release still works, with a deprecation warning on stderr only.
func TestOutputDir(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "report", "--demo", "--output-dir", filepath.Join(dir, "new"), "--format", "html,json")
	if code != exitOK || errOut != "" {
		t.Fatalf("report --output-dir: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "new", "index.html")); err != nil || !strings.Contains(out, filepath.Join(dir, "new")) {
		t.Errorf("report --output-dir wrote no index.html: %v\n%s", err, out)
	}
	code, out, errOut = runCLI(t, "report", "--demo", "-o", filepath.Join(dir, "old"), "--format", "md")
	if code != exitOK || !strings.Contains(errOut, "-o DIR is deprecated") || !strings.Contains(errOut, "use --output-dir DIR") || strings.Contains(out, "deprecated") {
		t.Errorf("report -o DIR: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "old", "index.html")); err != nil {
		t.Errorf("report -o DIR wrote nothing: %v", err)
	}
	code, _, errOut = runCLI(t, "dashboards", "-o", filepath.Join(dir, "dash"))
	if ents, _ := os.ReadDir(filepath.Join(dir, "dash")); code != exitOK || len(ents) == 0 || !strings.Contains(errOut, "deprecated") {
		t.Errorf("dashboards -o DIR: exit %d, %d files, stderr %q", code, len(ents), errOut)
	}
	for _, args := range [][]string{
		{"report", "--demo", "-o", dir, "--output-dir", dir},
		{"report", "--demo"},
		{"dashboards"},
		{"snapshot", "--kubeconfig", filepath.Join(dir, "none")},
	} {
		if code, _, errOut := runCLI(t, args...); code != exitUsage || !strings.Contains(errOut, "--output-dir") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if _, out, _ := runCLI(t, "report", "-h"); strings.Contains(out, "-o,") {
		t.Errorf("report -h still offers -o:\n%s", out)
	}
}

// TestCompletionScripts: cobra's script for each shell, syntax-checked by the shell when
// it is installed; dynamic completion offers enum values, contexts and namespaces.
func TestCompletionScripts(t *testing.T) {
	check := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}}
	for _, shell := range completionShells {
		t.Run(shell, func(t *testing.T) {
			code, out, errOut := runCLI(t, "completion", shell)
			if code != exitOK || !strings.Contains(out, "__complete") || !strings.Contains(out, "fleetaudit") {
				t.Fatalf("exit %d, stderr %q, script:\n%.300s", code, errOut, out)
			}
			argv, ok := check[shell]
			if !ok {
				return // no powershell here to check the syntax with
			}
			if _, err := exec.LookPath(argv[0]); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s not installed: .ci/run installs it so CI checks the script", argv[0])
				}
				t.Skipf("%s not installed", argv[0])
			}
			f := filepath.Join(t.TempDir(), "completion."+shell)
			if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command(argv[0], append(argv[1:], f)...).CombinedOutput(); err != nil {
				t.Errorf("%s rejects the script: %v\n%s", shell, err, b)
			}
		})
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	write(t, kc, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts:
- {name: prod-eu, context: {cluster: c, user: u, namespace: payments}}
- {name: staging, context: {cluster: c, user: u}}
`)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"audit", "--fail-on", ""}, []string{"info", "critical", "none"}},
		{[]string{"audit", "-o", ""}, reports.FormatNames(false)},
		{[]string{"gate", "-o", ""}, documentFormats},
		{[]string{"report", "--format", ""}, []string{"html", "junit", "policyreport"}},
		{[]string{"audit", "--kubeconfig", kc, "--context", ""}, []string{"prod-eu", "staging"}},
		{[]string{"audit", "--kubeconfig", kc, "-n", ""}, []string{"payments", "kube-system"}},
		{[]string{"a"}, []string{"audit"}},
	} {
		_, out, _ := runCLI(t, append([]string{"__complete"}, tc.args...)...)
		lines := strings.Split(out, "\n")
		for _, w := range tc.want {
			found := false
			for _, l := range lines {
				found = found || l == w || strings.HasPrefix(l, w+"\t")
			}
			if !found {
				t.Errorf("completing %v: no %q in\n%s", tc.args, w, out)
			}
		}
	}
}

// TestRequestTimeout: --request-timeout bounds each request (kubectl semantics), so a
// server that never answers fails its cluster long before --timeout.
func TestRequestTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accept and never answer
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	write(t, kc, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://`+l.Addr().String()+`"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: silent, context: {cluster: c, user: u}}]
`)
	start := time.Now()
	code, out, errOut := runCLI(t, "audit", "--kubeconfig", kc, "--timeout", "60s", "--request-timeout", "1s")
	if code != exitIncomplete || time.Since(start) > 20*time.Second {
		t.Errorf("exit %d after %s (want 3 well before --timeout 60s)\n%s%s", code, time.Since(start), out, errOut)
	}
	if code, _, errOut := runCLI(t, "audit", "--kubeconfig", kc, "--request-timeout", "soon"); code != exitUsage || !strings.Contains(errOut, "--request-timeout") {
		t.Errorf("bad --request-timeout: exit %d %q", code, errOut)
	}
}

// TestConfigValidate: config validate FILE (or --config FILE) names the file, the line and
// the allowed values; the same errors stop a command that reads the file.
func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fleetaudit.yaml")
	write(t, cfg, "# fleet defaults\nworkers: 4\ncontext: [prod-eu, staging]\nformat: html,junit\nlog-level: debug\n")
	for _, args := range [][]string{{"config", "validate", cfg}, {"config", "validate", "--config", cfg}} {
		code, out, errOut := runCLI(t, args...)
		if code != exitOK || out != cfg+": valid (4 keys: context, format, log-level, workers)\n" {
			t.Errorf("%v: exit %d, %q %q", args, code, out, errOut)
		}
	}
	for body, want := range map[string]string{
		"workers: 4\n\nfail-on: hihg\n":      cfg + `:3: fail-on: "hihg" is not one of info, low, medium, high, critical, none`,
		"workers: 4\nkubeconfg: /x\n":        cfg + `:2: unknown key "kubeconfg"`,
		"log-format: xml\n":                  cfg + `:1: log-format: "xml" is not one of text, json`,
		"timeout: 1m\nformat: [html, pdf]\n": cfg + `:2: format: "pdf" is not one of json, yaml, html, md, junit, csv, policyreport, openreports`,
		"workers: 4\n-o: json\n":             cfg + `:2: unknown key "-o"`,
		"output: json\n":                     cfg + `:1: unknown key "output"`,
		"workers: {min: 1}\n":                cfg + ":1: workers: want a value, not a mapping",
		"workers: 2\nworkers: 3\n":           cfg + ":2:",
	} {
		write(t, cfg, body)
		code, _, errOut := runCLI(t, "config", "validate", cfg)
		// yaml.v3's own messages (a duplicate key) span lines; ours are one line.
		if code != exitUsage || !strings.Contains(errOut, want) || (strings.Count(errOut, "\n") != 1 && !strings.Contains(body, "workers: 3")) {
			t.Errorf("config %q: exit %d, stderr %q, want %q", body, code, errOut, want)
		}
		if code, _, errOut := runCLI(t, "audit", "--demo", "--config", cfg); code != exitUsage || !strings.Contains(errOut, cfg+":") {
			t.Errorf("audit with config %q: exit %d %q", body, code, errOut)
		}
	}
	if code, _, errOut := runCLI(t, "config", "validate"); code != exitUsage || !strings.Contains(errOut, "config validate FILE") {
		t.Errorf("config validate without a file: exit %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "config", "validate", filepath.Join(dir, "missing.yaml")); code != exitUsage {
		t.Errorf("missing file: exit %d", code)
	}
}
