package collectors

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aquasecurity/kube-bench/check"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

func cisConfigDir(t *testing.T) string {
	t.Helper()
	dir, err := FindCISConfigDir("")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// statuses indexes kube-bench results as "node_type check-id" → status.
func statuses(controls []*check.Controls) map[string]string {
	out := map[string]string{}
	for _, c := range controls {
		for _, g := range c.Groups {
			for _, ck := range g.Checks {
				out[string(c.Type)+" "+ck.ID] = string(ck.State)
			}
		}
	}
	return out
}

// TestLocalCISAgreesWithKubeBenchCLI runs kube-bench's checks in-process and the kube-bench
// command line (same pinned version, built by the hack script) on this host while a real
// kube-apiserver and etcd run, and requires the same status for every check. Other test
// packages start and stop API servers concurrently, and both runs read the process table,
// so a disagreement is retried a few times before it counts.
func TestLocalCISAgreesWithKubeBenchCLI(t *testing.T) {
	bins := testcluster.RequireBinaries(t)
	if _, err := os.Stat(bins.KubeBench); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("kube-bench CLI missing under CI: %v", err)
		}
		t.Skipf("kube-bench CLI not built: %v", err)
	}
	testcluster.Start(t, "cis")
	cfgDir := cisConfigDir(t)
	const bench = "cis-1.12"
	// Without targets both detect the node types from running processes; the test API server
	// runs without scheduler and controller manager, so master checks are skipped there. With
	// explicit targets every type runs.
	t.Run("detected targets", func(t *testing.T) { compareCIS(t, bins.KubeBench, cfgDir, bench, nil) })
	t.Run("explicit targets", func(t *testing.T) {
		compareCIS(t, bins.KubeBench, cfgDir, bench, []string{"master", "controlplane", "etcd", "node", "policies"})
	})
}

func compareCIS(t *testing.T, kubeBench, cfgDir, bench string, targets []string) {
	args := []string{"--benchmark", bench, "--json", "--config-dir", cfgDir, "--config", filepath.Join(cfgDir, "config.yaml")}
	if len(targets) > 0 {
		args = append([]string{"run", "--targets", strings.Join(targets, ",")}, args...)
	}
	var lastDiff []string
	for attempt := range 4 {
		out, err := exec.Command(kubeBench, args...).Output()
		if err != nil && len(out) == 0 {
			t.Fatalf("kube-bench CLI: %v", err)
		}
		cli, err := ParseKubeBenchJSON(out)
		if err != nil {
			t.Fatalf("parse CLI output: %v", err)
		}
		local, err := RunLocalCIS(cfgDir, bench, targets)
		if err != nil {
			t.Fatal(err)
		}
		want, got := statuses(cli), statuses(local)
		if len(want) < 20 {
			t.Fatalf("CLI ran only %d checks", len(want))
		}
		lastDiff = nil
		for k, v := range want {
			if got[k] != v {
				lastDiff = append(lastDiff, fmt.Sprintf("%s: CLI %s, in-process %q", k, v, got[k]))
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				lastDiff = append(lastDiff, fmt.Sprintf("%s: only in-process", k))
			}
		}
		if len(lastDiff) == 0 {
			types := map[string]bool{}
			for k := range want {
				types[strings.Fields(k)[0]] = true
			}
			expect := targets
			if len(expect) == 0 {
				expect = []string{"etcd", "node", "policies"}
			}
			for _, typ := range expect {
				if !types[typ] {
					t.Errorf("no %s checks ran; types seen: %v", typ, types)
				}
			}
			if len(targets) > 0 && want["master 1.2.2"] != "FAIL" {
				t.Errorf("check 1.2.2 (--token-auth-file is set on the test API server) should FAIL, got %q", want["master 1.2.2"])
			}
			t.Logf("%d checks agree (%d PASS, %d FAIL)", len(want), countStatus(want, "PASS"), countStatus(want, "FAIL"))
			return
		}
		t.Logf("attempt %d: %d checks disagree, retrying", attempt, len(lastDiff))
		time.Sleep(time.Second)
	}
	slices.Sort(lastDiff)
	t.Fatalf("in-process kube-bench disagrees with the CLI:\n%s", strings.Join(lastDiff, "\n"))
}

func countStatus(m map[string]string, s string) int {
	n := 0
	for _, v := range m {
		if v == s {
			n++
		}
	}
	return n
}

// TestCISJobSource runs the job source against a real API server. With no kubelet, no pod
// ever runs: each node must be reported as "no result within the timeout" (not waited on
// forever), the Jobs must be built as specified, and every Job must be deleted afterwards.
func TestCISJobSource(t *testing.T) {
	cl := testcluster.Start(t, "cisjob").Clusters[0]
	cl.CreateNode(t, "cp-1", testcluster.NodeOptions{})
	cl.CreateNode(t, "worker-1", testcluster.NodeOptions{})
	ctx := context.Background()
	c := &facts.Cluster{Name: "cisjob"}
	cfg := Config{CIS: CISConfig{Sources: map[string]CISSource{"*": {Kind: CISJob}}, Benchmark: "cis-1.12",
		JobImage: "registry.local/kube-bench:test", JobTimeout: 3 * time.Second}}
	seen := make(chan []batchv1.Job, 1)
	go func() {
		for range 100 {
			l, err := cl.Admin.BatchV1().Jobs("default").List(ctx, metav1.ListOptions{LabelSelector: CISJobLabel})
			if err == nil && len(l.Items) == 2 {
				seen <- l.Items
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		seen <- nil
	}()
	start := time.Now()
	Run(ctx, All(cfg), Target{Client: cl.Admin}, c)
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("job source took %s with a 3s timeout", el)
	}
	if c.Status() != facts.StatusOK {
		t.Fatalf("collection: %s", c.Problem())
	}
	if c.CIS == nil || c.CIS.Source != CISJob || len(c.CIS.Nodes) != 2 {
		t.Fatalf("CIS facts: %+v", c.CIS)
	}
	for _, n := range c.CIS.Nodes {
		if !strings.Contains(n.Error, "no kube-bench result within 3s") {
			t.Errorf("node %s: error %q", n.Node, n.Error)
		}
	}
	jobs := <-seen
	if len(jobs) != 2 {
		t.Fatal("the two Jobs were never seen")
	}
	nodes := []string{}
	for _, j := range jobs {
		ps := j.Spec.Template.Spec
		nodes = append(nodes, ps.NodeName)
		if !ps.HostPID || ps.Containers[0].Image != "registry.local/kube-bench:test" || *j.Spec.BackoffLimit != 0 {
			t.Errorf("job %s spec: hostPID %v image %s", j.Name, ps.HostPID, ps.Containers[0].Image)
		}
		if !slices.Equal(ps.Containers[0].Args, []string{"--json", "--benchmark", "cis-1.12"}) {
			t.Errorf("args %v", ps.Containers[0].Args)
		}
		for _, m := range ps.Containers[0].VolumeMounts {
			if !m.ReadOnly {
				t.Errorf("host path %s mounted writable", m.MountPath)
			}
		}
	}
	slices.Sort(nodes)
	if !slices.Equal(nodes, []string{"cp-1", "worker-1"}) {
		t.Errorf("jobs pinned to %v", nodes)
	}
	left, err := cl.Admin.BatchV1().Jobs("default").List(ctx, metav1.ListOptions{LabelSelector: CISJobLabel})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(left.Items); n != 0 {
		t.Errorf("%d kube-bench Jobs left behind", n)
	}
}
