package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/reports"
)

// seedFleet starts three real clusters: alpha has a kubelet four minors behind its API
// server, beta is clean, gamma has a NotReady node.
func seedFleet(t *testing.T) *testcluster.Fleet {
	f := testcluster.Start(t, "alpha", "beta", "gamma")
	f.Cluster("alpha").CreateNode(t, "worker-old", testcluster.NodeOptions{KubeletVersion: "v1.30.5"})
	f.Cluster("alpha").CreateNode(t, "worker-ok", testcluster.NodeOptions{KubeletVersion: "v1.34.4"})
	f.Cluster("beta").CreateNode(t, "b1", testcluster.NodeOptions{KubeletVersion: "v1.34.4"})
	f.Cluster("beta").CreateNode(t, "b2", testcluster.NodeOptions{KubeletVersion: "v1.33.0"})
	f.Cluster("gamma").CreateNode(t, "flaky", testcluster.NodeOptions{NotReady: true})
	return f
}

// hungListener accepts TCP connections and never answers: a cluster that times out.
func hungListener(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "https://" + l.Addr().String()
}

// serviceAccountToken returns a real token of a ServiceAccount that has no RBAC bindings.
func serviceAccountToken(t *testing.T, c *testcluster.Cluster, name string) string {
	ctx := context.Background()
	_, err := c.Admin.CoreV1().ServiceAccounts("default").Create(ctx,
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := c.Admin.CoreV1().ServiceAccounts("default").CreateToken(ctx, name,
		&authnv1.TokenRequest{Spec: authnv1.TokenRequestSpec{}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	return tr.Status.Token
}

// TestAuditLiveFleetEndToEnd: three real clusters plus four that cannot be audited (closed
// port, silent server, wrong token, identity without RBAC). The skew finding lands on the
// right cluster and node, every broken cluster is reported with its reason, the good ones are
// still audited, the exit code is 3, and the run ends within the per-cluster timeout.
func TestAuditLiveFleetEndToEnd(t *testing.T) {
	f := seedFleet(t)
	dead, err := testcluster.ClosedPort()
	if err != nil {
		t.Fatal(err)
	}
	alpha, beta := f.Cluster("alpha"), f.Cluster("beta")
	ctxs := append(f.Contexts(),
		testcluster.Context{Name: "dead", Server: fmt.Sprintf("https://127.0.0.1:%d", dead), CAData: f.PKI.CACert, Token: "x"},
		testcluster.Context{Name: "hung", Server: hungListener(t), CAData: f.PKI.CACert, Token: "x"},
		testcluster.Context{Name: "badtoken", Server: alpha.URL, CAData: f.PKI.CACert, Token: "not-a-valid-token"},
		testcluster.Context{Name: "norbac", Server: beta.URL, CAData: f.PKI.CACert, Token: serviceAccountToken(t, beta, "nobody")},
	)
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, ctxs...); err != nil {
		t.Fatal(err)
	}

	const timeout = 4 * time.Second
	start := time.Now()
	code, out, errOut := runCLI(t, "audit", "--kubeconfig", kc, "-o", "json", "--timeout", timeout.String())
	elapsed := time.Since(start)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d (stderr: %s)", code, exitIncomplete, errOut)
	}
	if elapsed > 2*timeout {
		t.Errorf("audit took %s; clusters run in parallel, so it should end near the %s per-cluster timeout", elapsed, timeout)
	}
	a := decodeAudit(t, out)
	byName := map[string]reports.ClusterReport{}
	for _, r := range a.Clusters {
		byName[r.Name] = r
	}
	if len(byName) != 7 {
		t.Fatalf("want 7 clusters in the output, got %d", len(byName))
	}

	// These nodes carry no instance type or provider ID, so they are also (rightly) reported
	// as unpriced (FA-COST-005, info); the upgrade findings are the point here.
	upgrade := func(r reports.ClusterReport) []policy.Finding {
		var out []policy.Finding
		for _, f := range r.Findings {
			if f.Category == "upgrade" {
				out = append(out, f)
			}
		}
		return out
	}
	al := byName["alpha"]
	if al.Status != "ok" || al.Version != "v1.34.4" || al.Nodes != 2 || len(upgrade(al)) != 1 {
		t.Fatalf("alpha: %+v", al)
	}
	if fd := upgrade(al)[0]; fd.RuleID != "FA-UPG-001" || fd.Resource != (policy.ResourceRef{APIVersion: "v1", Kind: "Node", Name: "worker-old"}) || fd.Severity != "high" ||
		!strings.Contains(fd.Message, "4 minor versions behind the API server v1.34.4") {
		t.Errorf("alpha finding: %+v", fd)
	}
	if b := byName["beta"]; b.Status != "ok" || len(upgrade(b)) != 0 {
		t.Errorf("beta should be clean: %+v", b)
	}
	if g := byName["gamma"]; g.Status != "ok" || len(upgrade(g)) != 1 || upgrade(g)[0].RuleID != "FA-UPG-002" || upgrade(g)[0].Resource.String() != "Node/flaky" {
		t.Errorf("gamma should have the NotReady finding: %+v", g)
	}
	for name, reason := range map[string]string{"dead": "unreachable", "hung": "timeout", "badtoken": "unauthorized", "norbac": "forbidden"} {
		r := byName[name]
		if r.Status != "failed" || len(r.Collection) == 0 || r.Collection[0].Reason != reason {
			t.Errorf("%s: want failed with reason %s, got status %s collection %+v", name, reason, r.Status, r.Collection)
		}
		if !strings.Contains(r.Problem, reason) {
			t.Errorf("%s: problem %q should say %s", name, r.Problem, reason)
		}
	}
	if !strings.Contains(byName["dead"].Problem, "connection refused") {
		t.Errorf("dead: problem should carry the transport reason: %q", byName["dead"].Problem)
	}

	// The table shows one section per cluster, the failed ones with their reason.
	code, table, _ := runCLI(t, "audit", "--kubeconfig", kc, "--timeout", timeout.String(), "--context", "alpha", "--context", "dead")
	if code != exitIncomplete {
		t.Errorf("table run: exit %d", code)
	}
	for _, want := range []string{"CLUSTER alpha  v1.34.4, 2 nodes  [ok]", "Node/worker-old", "CLUSTER dead  [failed]", "could not be audited: cluster: unreachable"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// TestSnapshotRoundTrip: auditing a snapshot gives exactly the findings and statuses of the
// live audit it was taken from.
func TestSnapshotRoundTrip(t *testing.T) {
	f := seedFleet(t)
	dead, err := testcluster.ClosedPort()
	if err != nil {
		t.Fatal(err)
	}
	ctxs := append(f.Contexts(), testcluster.Context{Name: "dead", Server: fmt.Sprintf("https://127.0.0.1:%d", dead), Token: "x"})
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, ctxs...); err != nil {
		t.Fatal(err)
	}
	code, liveOut, errOut := runCLI(t, "audit", "--kubeconfig", kc, "-o", "json", "--timeout", "10s")
	if code != exitIncomplete {
		t.Fatalf("live audit: exit %d %s", code, errOut)
	}
	snap := filepath.Join(dir, "snap")
	code, out, errOut := runCLI(t, "snapshot", "--kubeconfig", kc, "--output-dir", snap, "--timeout", "10s")
	if code != exitIncomplete || !strings.Contains(out, "wrote 4 facts documents") {
		t.Fatalf("snapshot: exit %d\n%s%s", code, out, errOut)
	}
	code, snapOut, errOut := runCLI(t, "audit", "--snapshot", snap, "-o", "json")
	if code != exitIncomplete {
		t.Fatalf("snapshot audit: exit %d %s", code, errOut)
	}
	live, offline := decodeAudit(t, liveOut), decodeAudit(t, snapOut)
	type view struct {
		Status   string
		Findings string
	}
	summarise := func(a reports.Report) map[string]view {
		m := map[string]view{}
		for _, r := range a.Clusters {
			b, _ := json.Marshal(r.Findings)
			m[r.Name] = view{string(r.Status), string(b)}
		}
		return m
	}
	lv, ov := summarise(live), summarise(offline)
	if !reflect.DeepEqual(lv, ov) {
		t.Errorf("snapshot audit differs from live audit:\nlive:     %v\nsnapshot: %v", lv, ov)
	}
	if n := len(lv["alpha"].Findings); n < 10 {
		t.Errorf("round trip compared no findings: %v", lv)
	}
}
