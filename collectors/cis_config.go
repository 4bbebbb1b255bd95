package collectors

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// kubeBenchModule is the module whose benchmark definitions (cfg/) fleetaudit uses.
const kubeBenchModule = "github.com/aquasecurity/kube-bench"

// CISConfigDirEnv names the environment variable that points at kube-bench's cfg folder.
const CISConfigDirEnv = "FLEETAUDIT_KUBE_BENCH_CFG"

// FindCISConfigDir locates kube-bench's benchmark definitions, in order: the flag value,
// $FLEETAUDIT_KUBE_BENCH_CFG, /etc/kube-bench/cfg (kube-bench's own image), then the cfg folder
// of the kube-bench module this binary was built with, in the Go module cache. The error
// lists every place it looked.
func FindCISConfigDir(flagValue string) (string, error) {
	var tried []string
	try := func(dir, why string) bool {
		if dir == "" {
			return false
		}
		tried = append(tried, fmt.Sprintf("%s (%s)", dir, why))
		st, err := os.Stat(filepath.Join(dir, "config.yaml"))
		return err == nil && !st.IsDir()
	}
	if try(flagValue, "--cis-config-dir") {
		return flagValue, nil
	}
	if d := os.Getenv(CISConfigDirEnv); try(d, "$"+CISConfigDirEnv) {
		return d, nil
	}
	if try("/etc/kube-bench/cfg", "kube-bench image layout") {
		return "/etc/kube-bench/cfg", nil
	}
	if v := kubeBenchVersion(); v != "" {
		for _, cache := range moduleCaches() {
			d := filepath.Join(cache, kubeBenchModule+"@"+v, "cfg")
			if try(d, "Go module cache") {
				return d, nil
			}
		}
	}
	// Test binaries and `go run` inside the repository: ask the go command for the module
	// folder of the version go.mod pins.
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", kubeBenchModule).Output(); err == nil {
		if d := filepath.Join(strings.TrimSpace(string(out)), "cfg"); try(d, "go list -m "+kubeBenchModule) {
			return d, nil
		}
	}
	return "", fmt.Errorf("kube-bench benchmark definitions (cfg/config.yaml) not found; looked in: %s; "+
		"set --cis-config-dir or $%s, or run `go mod download %s`", strings.Join(tried, ", "), CISConfigDirEnv, kubeBenchModule)
}

// kubeBenchVersion is the kube-bench module version linked into this binary.
func kubeBenchVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == kubeBenchModule {
			return d.Version
		}
	}
	return ""
}

func moduleCaches() []string {
	var out []string
	if d := os.Getenv("GOMODCACHE"); d != "" {
		out = append(out, d)
	}
	if b, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		out = append(out, strings.TrimSpace(string(b)))
	}
	for _, gp := range filepath.SplitList(os.Getenv("GOPATH")) {
		out = append(out, filepath.Join(gp, "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, "go", "pkg", "mod"))
	}
	return slices.Compact(out)
}

// kubeBenchConfig is cfg/config.yaml merged with cfg/<benchmark>/config.yaml, the way
// kube-bench merges them (nested maps merge key by key; other values are replaced).
type kubeBenchConfig map[string]any

func loadKubeBenchConfig(cfgDir, benchmark string) (kubeBenchConfig, error) {
	base, err := readYAMLMap(filepath.Join(cfgDir, "config.yaml"))
	if err != nil {
		return nil, err
	}
	if benchmark != "" {
		p := filepath.Join(cfgDir, benchmark, "config.yaml")
		if _, err := os.Stat(p); err == nil {
			over, err := readYAMLMap(p)
			if err != nil {
				return nil, err
			}
			yamlfile.Merge(base, over)
		}
	}
	return base, nil
}

func readYAMLMap(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read kube-bench config: %w", err)
	}
	m := map[string]any{}
	doc, err := yamlfile.Parse(path, b)
	if err == nil {
		err = doc.Decode(&m)
	}
	if err != nil {
		return nil, fmt.Errorf("kube-bench config: %w", err)
	}
	return lowerKeys(m), nil
}

// lowerKeys lower-cases map keys recursively: kube-bench reads its config through viper,
// whose keys are case-insensitive.
func lowerKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = lowerKeys(sub)
		}
		out[strings.ToLower(k)] = v
	}
	return out
}

func (c kubeBenchConfig) section(name string) map[string]any {
	m, _ := c[name].(map[string]any)
	return m
}

func stringList(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	case string:
		return []string{x}
	}
	return nil
}

// validTargets lists the node types (master, node, etcd, …) the benchmark defines.
func (c kubeBenchConfig) validTargets(benchmark string) []string {
	tm, _ := c["target_mapping"].(map[string]any)
	var out []string
	for _, t := range stringList(tm[strings.ToLower(benchmark)]) {
		out = append(out, strings.ToLower(t))
	}
	return out
}

// benchmarkForVersion maps a Kubernetes version to a CIS benchmark through the config's
// version_mapping, stepping the minor down until a mapping is found, as kube-bench does.
func (c kubeBenchConfig) benchmarkForVersion(v *facts.Version) (string, error) {
	vm, _ := c["version_mapping"].(map[string]any)
	for minor := v.Minor; minor >= 0; minor-- {
		if b, ok := vm[fmt.Sprintf("%d.%d", v.Major, minor)].(string); ok {
			return b, nil
		}
	}
	return "", fmt.Errorf("no CIS benchmark in kube-bench's version_mapping for Kubernetes %s", v.GitVersion)
}

// managedBenchmarks maps a managed platform and Kubernetes minor to its benchmark. Source:
// kube-bench v0.15.6 cmd/util.go (eksBenchmark, gkeBenchmark, aksBenchmark), Apache-2.0;
// each list is {first minor, benchmark} in ascending order, the last match wins.
var managedBenchmarks = map[string][]struct {
	from      int
	benchmark string
}{
	"eks": {{0, "eks-1.5.0"}, {15, "eks-1.0.1"}, {20, "eks-1.5.0"}, {29, "eks-1.7.0"}, {32, "eks-1.8.0"}},
	"gke": {{0, "gke-1.9.0"}, {15, "gke-1.0"}, {20, "gke-1.2.0"}, {28, "gke-1.6.0"}, {30, "gke-1.8.0"}, {31, "gke-1.9.0"}},
	"aks": {{0, "aks-1.8"}, {19, "aks-1.0"}, {25, "aks-1.8"}, {29, "aks-1.7"}, {32, "aks-1.8"}},
}

// DetectPlatform names the managed platform (eks, gke, aks) of a cluster from its version
// string and its nodes' provider IDs and labels, or "" for a self-managed cluster.
func DetectPlatform(c *facts.Cluster) string {
	if c.Version != nil {
		gv := c.Version.GitVersion
		switch {
		case strings.Contains(gv, "-eks-"):
			return "eks"
		case strings.Contains(gv, "-gke."):
			return "gke"
		}
	}
	for _, n := range c.Nodes {
		switch {
		case strings.HasPrefix(n.ProviderID, "aws://") && hasLabelPrefix(n.Labels, "eks.amazonaws.com/"):
			return "eks"
		case strings.HasPrefix(n.ProviderID, "gce://") && hasLabelPrefix(n.Labels, "cloud.google.com/gke-"):
			return "gke"
		case strings.HasPrefix(n.ProviderID, "azure://") && hasLabelPrefix(n.Labels, "kubernetes.azure.com/"):
			return "aks"
		}
	}
	return ""
}

func hasLabelPrefix(l map[string]string, prefix string) bool {
	for k := range l {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// ChooseBenchmark picks the benchmark for a cluster: the override when given, the managed
// platform's benchmark when one is detected, else the CIS benchmark of its server version.
func ChooseBenchmark(cfg kubeBenchConfig, c *facts.Cluster, override string) (string, error) {
	if override != "" {
		return override, nil
	}
	if c.Version == nil {
		return "", fmt.Errorf("server version unknown: set --cis-benchmark")
	}
	if p := DetectPlatform(c); p != "" {
		b := ""
		for _, e := range managedBenchmarks[p] {
			if c.Version.Minor >= e.from {
				b = e.benchmark
			}
		}
		return b, nil
	}
	return cfg.benchmarkForVersion(c.Version)
}
