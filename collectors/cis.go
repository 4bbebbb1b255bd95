package collectors

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aquasecurity/kube-bench/check"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
)

// CIS source kinds.
const (
	CISNone  = "none"
	CISLocal = "local" // run kube-bench's checks in-process on this host (a node agent)
	CISJob   = "job"   // one Job per node in the cluster; read the JSON from the pod logs
	CISFile  = "file"  // ingest existing kube-bench --json output
)

// CISSource says where one cluster's CIS results come from.
type CISSource struct {
	Kind string
	// Path is the file or folder of the file source: a folder holds CLUSTER.json or
	// CLUSTER/*.json (one file per node, named after the node).
	Path string
}

// CISConfig configures the cis collector.
type CISConfig struct {
	// Sources maps a cluster name to its source; the key "*" is the default for the others.
	Sources map[string]CISSource
	// ConfigDir is kube-bench's cfg folder; empty means FindCISConfigDir's search.
	ConfigDir string
	// Benchmark overrides the benchmark chosen from the server version and platform.
	Benchmark string
	// Targets are the node types the local source checks; empty means detect them from the
	// running components.
	Targets []string
	// Job settings.
	JobImage     string
	JobNamespace string
	JobTimeout   time.Duration
}

// ParseCISSource parses "[CLUSTER=]local|job|none|file:PATH".
func ParseCISSource(s string) (cluster string, src CISSource, err error) {
	cluster = "*"
	if c, rest, ok := strings.Cut(s, "="); ok && !strings.HasPrefix(s, "file:") {
		cluster, s = c, rest
	}
	kind, path, _ := strings.Cut(s, ":")
	switch kind {
	case CISLocal, CISJob, CISNone:
		if path != "" {
			return "", CISSource{}, fmt.Errorf("CIS source %q takes no path", kind)
		}
	case CISFile:
		if path == "" {
			return "", CISSource{}, fmt.Errorf("CIS source file needs a path: file:PATH")
		}
	default:
		return "", CISSource{}, fmt.Errorf("CIS source %q is not one of local, job, file:PATH, none", s)
	}
	return cluster, CISSource{Kind: kind, Path: path}, nil
}

func (c CISConfig) sourceFor(cluster string) CISSource {
	if s, ok := c.Sources[cluster]; ok {
		return s
	}
	if s, ok := c.Sources["*"]; ok {
		return s
	}
	return CISSource{Kind: CISNone}
}

// CIS collects CIS benchmark results with kube-bench from the configured source.
type CIS struct{ Config CISConfig }

// Name implements Collector.
func (CIS) Name() string { return "cis" }

// Writes implements Writer.
func (CIS) Writes() []string { return []string{"cis"} }

// Collect implements Collector.
// Applies implements Applier: only clusters with a CIS source other than none.
func (x CIS) Applies(cluster string) bool {
	k := x.Config.sourceFor(cluster).Kind
	return k != CISNone && k != ""
}

func (x CIS) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	src := x.Config.sourceFor(c.Name)
	switch src.Kind {
	case CISNone, "":
		return nil
	case CISFile:
		cis, err := ReadCISFiles(src.Path, c.Name)
		if err != nil {
			return err
		}
		c.CIS = cis
		return nil
	}
	cfgDir, err := FindCISConfigDir(x.Config.ConfigDir)
	if err != nil {
		return err
	}
	cfg, err := loadKubeBenchConfig(cfgDir, "")
	if err != nil {
		return err
	}
	bench, err := ChooseBenchmark(cfg, c, x.Config.Benchmark)
	if err != nil {
		return err
	}
	switch src.Kind {
	case CISLocal:
		controls, err := RunLocalCIS(cfgDir, bench, x.Config.Targets)
		if err != nil {
			return err
		}
		host, _ := os.Hostname()
		c.CIS = &facts.CIS{Source: CISLocal, Benchmark: bench, Nodes: []facts.CISNode{CISNodeFacts(host, controls)}}
		return nil
	case CISJob:
		cis, err := runCISJobs(ctx, t, x.Config, bench, c.Nodes)
		if err != nil {
			return err
		}
		c.CIS = cis
		return nil
	}
	return fmt.Errorf("unknown CIS source %q", src.Kind)
}

// MaxKubeBenchResultSize bounds one node's kube-bench --json output, read from a file or from
// a Job's pod log: a full benchmark is a few hundred KiB, and a node (or whoever controls what
// its pod prints) must not be able to make the audit read without end.
const MaxKubeBenchResultSize = 16 << 20

// ParseKubeBenchJSON parses kube-bench --json output, with totals ({"Controls": …}) or
// without (--nototals: a bare array). Errors give the line.
func ParseKubeBenchJSON(b []byte) ([]*check.Controls, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, fmt.Errorf("empty kube-bench output")
	}
	var controls []*check.Controls
	var err error
	if b[0] == '[' {
		err = json.Unmarshal(b, &controls)
	} else {
		var oc check.OverallControls
		err = json.Unmarshal(b, &oc)
		controls = oc.Controls
	}
	if err != nil {
		return nil, fmt.Errorf("not kube-bench --json output: %s", jsonErrorAt(b, err))
	}
	if len(controls) == 0 {
		return nil, fmt.Errorf("kube-bench output has no Controls")
	}
	for i, c := range controls {
		if c == nil || c.ID == "" {
			return nil, fmt.Errorf("kube-bench output: control %d has no id", i)
		}
		for j, g := range c.Groups {
			if g == nil {
				return nil, fmt.Errorf("kube-bench output: control %s: tests[%d] is null", c.ID, j)
			}
			if k := slices.Index(g.Checks, nil); k >= 0 {
				return nil, fmt.Errorf("kube-bench output: control %s: tests[%d].results[%d] is null", c.ID, j, k)
			}
		}
	}
	return controls, nil
}

func jsonErrorAt(b []byte, err error) string {
	if strings.Contains(err.Error(), "unexpected end of JSON input") {
		return "truncated document (unexpected end of JSON input)"
	}
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return err.Error()
	}
	return fmt.Sprintf("line %d: %v", 1+bytes.Count(b[:min(int(off), len(b))], []byte("\n")), err)
}

// ReadCISFiles reads one cluster's kube-bench results from path: a file, or a folder holding
// CLUSTER.json or CLUSTER/*.json (one file per node, named after the node).
func ReadCISFiles(path, cluster string) (*facts.CIS, error) {
	files, err := cisFilesFor(path, cluster)
	if err != nil {
		return nil, err
	}
	cis := &facts.CIS{Source: CISFile}
	for _, f := range files {
		b, err := sizelimit.ReadFile(f, MaxKubeBenchResultSize)
		if err != nil {
			return nil, fmt.Errorf("read kube-bench results: %w", err)
		}
		controls, err := ParseKubeBenchJSON(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		node := strings.TrimSuffix(filepath.Base(f), ".json")
		if len(files) == 1 && filepath.Base(f) == facts.FileStem(cluster)+".json" {
			node = cluster
		}
		cis.Nodes = append(cis.Nodes, CISNodeFacts(node, controls))
		if cis.Benchmark == "" {
			cis.Benchmark = controls[0].Version
		}
	}
	return cis, nil
}

func cisFilesFor(path, cluster string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("kube-bench results: %w", err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	if f := filepath.Join(path, facts.FileStem(cluster)+".json"); fileExists(f) {
		return []string{f}, nil
	}
	files, _ := filepath.Glob(filepath.Join(path, facts.FileStem(cluster), "*.json"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no kube-bench results for cluster %s in %s (want %s.json or %s/*.json)", cluster, path, facts.FileStem(cluster), facts.FileStem(cluster))
	}
	slices.Sort(files)
	return files, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// CISNodeFacts flattens kube-bench results of one node into facts.
func CISNodeFacts(node string, controls []*check.Controls) facts.CISNode {
	n := facts.CISNode{Node: node, Checks: []facts.CISCheck{}}
	for _, ctl := range controls {
		for _, g := range ctl.Groups {
			for _, ck := range g.Checks {
				n.Checks = append(n.Checks, facts.CISCheck{
					ID: ck.ID, Text: ck.Text, Section: g.ID, NodeType: string(ctl.Type), Status: string(ck.State),
					Scored: ck.Scored, Remediation: strings.TrimSpace(ck.Remediation), Reason: ck.Reason,
				})
			}
		}
	}
	return n
}
