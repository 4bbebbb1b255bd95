package collectors

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/aquasecurity/kube-bench/check"
)

// The in-process kube-bench runner. It follows kube-bench's command (v0.15.6, cmd/common.go and
// cmd/util.go) step by step, so its results agree check for check with the kube-bench command
// line on the same host: detect the running components with ps, find their config files,
// substitute the $…bin/$…conf variables into the benchmark YAML, and run the checks with
// kube-bench's own check package.

// kubeBenchFileTypes are kube-bench's file variables: type → (candidate list key, default key,
// variable suffix).
var kubeBenchFileTypes = []struct{ list, def, suffix string }{
	{"confs", "defaultconf", "conf"},
	{"svc", "defaultsvc", "svc"},
	{"kubeconfig", "defaultkubeconfig", "kubeconfig"},
	{"cafile", "defaultcafile", "cafile"},
	{"datadirs", "defaultdatadir", "datadir"},
}

// localTargets decides which node types to check on this host, as kube-bench does without
// --targets: master (and controlplane) when the master components run, etcd when etcd runs,
// then node and policies; each only when the benchmark defines it.
func localTargets(cfg kubeBenchConfig, benchmark string, ps psFunc) []string {
	valid := cfg.validTargets(benchmark)
	var out []string
	add := func(t string) {
		if slices.Contains(valid, t) {
			out = append(out, t)
		}
	}
	if running(cfg.section("master"), ps) {
		out = append(out, "master")
		add("controlplane")
	}
	if running(cfg.section("etcd"), ps) {
		add("etcd")
	}
	out = append(out, "node")
	add("policies")
	add("managedservices")
	return out
}

func running(section map[string]any, ps psFunc) bool {
	if section == nil {
		return false
	}
	bins, err := detectBinaries(section, ps)
	return err == nil && len(bins) > 0
}

// psFunc returns the command lines of running processes named proc (ps -C proc -o cmd).
type psFunc func(proc string) string

func systemPS(proc string) string {
	out, _ := exec.Command("/bin/ps", "-C", proc, "-o", "cmd", "--no-headers").Output()
	return string(out)
}

// detectBinaries maps each component with "bins" to the first candidate that is running. A
// mandatory component that is not running makes the whole map unusable (an error), as in
// kube-bench; an optional one falls back to the component's name.
func detectBinaries(section map[string]any, ps psFunc) (map[string]string, error) {
	out := map[string]string{}
	for _, comp := range stringList(section["components"]) {
		sub, ok := section[strings.ToLower(comp)].(map[string]any)
		if !ok {
			continue
		}
		bins := stringList(sub["bins"])
		if len(bins) == 0 {
			continue
		}
		bin := ""
		for _, cand := range bins {
			if binaryRunning(cand, ps) {
				bin = cand
				break
			}
		}
		if bin == "" {
			if opt, _ := sub["optional"].(bool); !opt {
				return nil, fmt.Errorf("component %q is not running", comp)
			}
			bin = comp
		}
		out[comp] = bin
	}
	return out, nil
}

// binaryRunning: the candidate (possibly several words) heads a running command line,
// optionally after a path.
func binaryRunning(cand string, ps psFunc) bool {
	cand = strings.Trim(cand, `'"`)
	fields := strings.Fields(cand)
	if len(fields) == 0 {
		return false
	}
	re, err := regexp.Compile(`^(\S*/)*` + cand)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(ps(fields[0]), "\n") {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

// detectFiles maps each component to its first existing candidate file of one type, else the
// default, else the component's name.
func detectFiles(section map[string]any, listKey, defKey string) map[string]string {
	out := map[string]string{}
	for _, comp := range stringList(section["components"]) {
		sub, ok := section[strings.ToLower(comp)].(map[string]any)
		if !ok {
			continue
		}
		file := ""
		for _, cand := range stringList(sub[listKey]) {
			if _, err := os.Stat(cand); err == nil {
				file = cand
				break
			}
		}
		if file == "" {
			if d, ok := sub[defKey]; ok {
				file = fmt.Sprint(d)
			} else {
				file = comp
			}
		}
		out[comp] = file
	}
	return out
}

// substitute replaces $<component><suffix> with each value (quoted when it has several
// words) and returns the values that changed the text.
func substitute(s, suffix string, m map[string]string) (string, []string) {
	var used []string
	for _, comp := range sortedKeys(m) {
		v := m[comp]
		if v == "" {
			continue
		}
		if len(strings.Fields(v)) > 1 {
			v = "'" + v + "'"
		}
		before := s
		s = strings.ReplaceAll(s, "$"+comp+suffix, v)
		if s != before {
			used = append(used, m[comp])
		}
	}
	return s, used
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// runLocalTarget runs one node type's checks of a benchmark on this host.
func runLocalTarget(cfgDir, benchmark, target string, cfg kubeBenchConfig, ps psFunc) (*check.Controls, error) {
	path := filepath.Join(cfgDir, benchmark, target+".yaml")
	in, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read benchmark %s: %w", benchmark, err)
	}
	section := cfg.section(target)
	if section == nil {
		return nil, fmt.Errorf("kube-bench config has no settings for %s", target)
	}
	bins, err := detectBinaries(section, ps)
	if err != nil {
		bins = nil // kube-bench then substitutes no binaries at all
	}
	s, binSubs := substitute(string(in), "bin", bins)
	for _, ft := range kubeBenchFileTypes {
		s, _ = substitute(s, ft.suffix, detectFiles(section, ft.list, ft.def))
	}
	controls, err := check.NewControls(check.NodeType(target), []byte(s), "none")
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	setDefaultAuditEnv(controls, binSubs)
	controls.RunChecks(check.NewRunner(), func(*check.Group, *check.Check) bool { return true }, map[string]bool{})
	return controls, nil
}

// setDefaultAuditEnv gives checks that test environment variables an audit command reading
// the process environment, when the benchmark gives none (kube-bench's
// generateDefaultEnvAudit).
func setDefaultAuditEnv(controls *check.Controls, binSubs []string) {
	binPath := ""
	if len(binSubs) == 1 {
		binPath = binSubs[0]
	}
	for _, g := range controls.Groups {
		for _, c := range g.Checks {
			if c.Tests == nil || c.DisableEnvTesting || c.AuditEnv != "" {
				continue
			}
			for _, ti := range c.Tests.TestItems {
				if ti.Env != "" && c.AuditEnv == "" {
					c.AuditEnv = fmt.Sprintf("cat \"/proc/$(/bin/ps -C %s -o pid= | tr -d ' ')/environ\" | tr '\\0' '\\n'", binPath)
				}
			}
		}
	}
}

// RunLocalCIS runs kube-bench's checks on this host in-process and returns the results in
// kube-bench's own types. Without targets it decides which node types apply from the running
// components, like `kube-bench`; with targets (master, controlplane, etcd, node or worker,
// policies) it runs those, like `kube-bench run --targets`.
func RunLocalCIS(cfgDir, benchmark string, targets []string) ([]*check.Controls, error) {
	cfg, err := loadKubeBenchConfig(cfgDir, benchmark)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(cfgDir, benchmark)); err != nil {
		return nil, fmt.Errorf("benchmark %q not found in %s", benchmark, cfgDir)
	}
	if len(targets) == 0 {
		targets = localTargets(cfg, benchmark, systemPS)
	}
	valid := cfg.validTargets(benchmark)
	var out []*check.Controls
	for _, t := range targets {
		t = strings.ReplaceAll(strings.ToLower(t), "worker", "node")
		if !slices.Contains(valid, t) {
			return nil, fmt.Errorf("benchmark %s has no %s checks (it has: %s)", benchmark, t, strings.Join(valid, ", "))
		}
		c, err := runLocalTarget(cfgDir, benchmark, t, cfg, systemPS)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
