package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/server"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// replicas are N sharded gate servers on loopback TLS, each auditing the clusters its shard
// owns, reachable by each other at https://replica-K.test (a dialer maps the names to the
// listeners) with a client certificate of the fleet's CA. hits counts the requests each
// received.
type replicas struct {
	ts     []*httptest.Server
	hits   []atomic.Int32
	logs   []*server.DecisionLog // with replicaOptions.writers
	client *http.Client          // the caller: "ops", with a client certificate
}

func newReplicas(t *testing.T, n int, clusters []string) *replicas {
	t.Helper()
	return newReplicasWith(t, n, clusters, replicaOptions{})
}

// replicaOptions: forwardToken gives the replicas no client certificate of their own (they
// forward callers' bearer tokens instead); writers, when set, give each a decision history
// that these callers write.
type replicaOptions struct {
	forwardToken bool
	writers      []string
}

func newReplicasWith(t *testing.T, n int, clusters []string, o replicaOptions) *replicas {
	t.Helper()
	pki, err := testcluster.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.CACert)
	pair := func(c, k []byte, err error) tls.Certificate {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		kp, err := tls.X509KeyPair(c, k)
		if err != nil {
			t.Fatal(err)
		}
		return kp
	}
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf("replica-%d.test", i))
	}
	serving := pair(pki.ServingPair("fleetaudit", names...))
	peerCert := pair(pki.ClientPair("fleetaudit-peer"))
	opsCert := pair(pki.ClientPair("ops"))

	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &replicas{hits: make([]atomic.Int32, n)}
	addrs := make([]string, n)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := strings.Cut(addr, ":")
		for i, name := range names {
			if host == name {
				addr = addrs[i]
			}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	peerTLS := &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{peerCert}, MinVersion: tls.VersionTLS12}
	if o.forwardToken {
		peerTLS.Certificates = nil
	}
	peerClient := &http.Client{Transport: &http.Transport{DialContext: dial, TLSClientConfig: peerTLS}}
	for i := range n {
		sh, _ := fleet.NewShard(i, n)
		var jobs []fleet.Job
		for _, c := range clusters {
			if sh.Owns(c) {
				jobs = append(jobs, fleet.Job{Name: c, Facts: func(context.Context, fleet.FinalFunc) *facts.Cluster { return readyFacts(c) }})
			}
		}
		var log *server.DecisionLog
		if o.writers != nil {
			if log, err = server.NewDecisionLog(t.TempDir()); err != nil {
				t.Fatal(err)
			}
			log.Writers = o.writers
		}
		r.logs = append(r.logs, log)
		srv := server.New(server.Config{Engine: engine, Profiles: []*profile.Profile{mustProfile(t, platform)},
			Jobs: func() ([]fleet.Job, error) { return jobs, nil }, Now: func() time.Time { return collected.Add(time.Minute) },
			Callers:  &server.CallerAuth{Certificates: true, Allow: []string{"ops", "fleetaudit-peer"}},
			Bindings: shardedBindings(clusters),
			Limits:   server.Limits{Timeout: 5 * time.Second},
			Shard:    sh, Peers: &server.Peers{URL: "https://replica-" + server.PeerIndex + ".test", Client: peerClient, ForwardToken: o.forwardToken}, Decisions: log})
		if err := srv.AuditOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		h := srv.GateHandler()
		ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			r.hits[i].Add(1)
			h.ServeHTTP(w, req)
		}))
		ts.TLS = &tls.Config{Certificates: []tls.Certificate{serving}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
		ts.StartTLS()
		t.Cleanup(ts.Close)
		addrs[i] = ts.Listener.Addr().String()
		r.ts = append(r.ts, ts)
	}
	r.client = &http.Client{Transport: &http.Transport{DialContext: dial,
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{opsCert}, MinVersion: tls.VersionTLS12}}}
	t.Cleanup(r.client.CloseIdleConnections)
	return r
}

// shardedBindings hold every cluster to platform; the Cluster object capi/C is cluster C.
func shardedBindings(clusters []string) *binding.Bindings {
	b := &binding.Bindings{File: "bindings.yaml", Profiles: []binding.ProfileBinding{{Clusters: []string{"*"}, Profile: "platform"}}}
	for _, c := range clusters {
		b.ClusterObjects = append(b.ClusterObjects, binding.ObjectBinding{Object: "capi/" + c, Cluster: c})
	}
	return b
}

// ask posts body to replica i's /v1/gate (with extra headers) and returns the status, the
// answering shard and the body.
func (r *replicas) ask(t *testing.T, i int, body string, header ...string) (int, string, string) {
	t.Helper()
	return r.askPath(t, i, "/v1/gate", body, header...)
}

// askPath posts body to path on replica i.
func (r *replicas) askPath(t *testing.T, i int, path, body string, header ...string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("https://replica-%d.test%s", i, path), strings.NewReader(body))
	for k := 0; k+1 < len(header); k += 2 {
		req.Header.Set(header[k], header[k+1])
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get(server.ShardHeader), string(b)
}

// ownedBy is the first of the clusters shard i of n owns.
func ownedBy(t *testing.T, clusters []string, i, n int) string {
	t.Helper()
	for _, c := range clusters {
		if fleet.Owner(c, n) == i {
			return c
		}
	}
	t.Fatalf("no cluster of %v is owned by %d/%d", clusters, i, n)
	return ""
}

var shardedClusters = []string{"prod-eu", "prod-us", "prod-ap", "staging", "dev", "edge-1", "edge-2", "edge-3", "lab"}

// TestGateForwardsToOwner: a replica asked about a cluster another owns answers exactly what
// the owner answers when asked directly, marked with the owner's shard; what it owns it
// answers itself; clusters of several owners are refused with who owns which.
func TestGateForwardsToOwner(t *testing.T) {
	r := newReplicas(t, 3, shardedClusters)
	for owner := range 3 {
		c := ownedBy(t, shardedClusters, owner, 3)
		body := `{"profile": "platform", "clusters": ["` + c + `"]}`
		wantCode, wantShard, want := r.ask(t, owner, body)
		if wantCode != http.StatusOK || wantShard != fmt.Sprintf("%d/3", owner) || !strings.Contains(want, `"allowed": true`) {
			t.Fatalf("owner %d about %s: %d %q %s", owner, c, wantCode, wantShard, want)
		}
		for asked := range 3 {
			code, shard, got := r.ask(t, asked, body)
			if code != wantCode || shard != wantShard || got != want {
				t.Errorf("replica %d about %s (owner %d): %d %q %s\nwant %d %q %s", asked, c, owner, code, shard, got, wantCode, wantShard, want)
			}
		}
	}
	mixed := `{"profile": "platform", "clusters": ["` + ownedBy(t, shardedClusters, 0, 3) + `", "` + ownedBy(t, shardedClusters, 1, 3) + `"]}`
	if code, _, got := r.ask(t, 2, mixed); code != http.StatusBadRequest || !strings.Contains(got, "belong to 2 shards") {
		t.Errorf("clusters of two owners: %d %s", code, got)
	}
	if code, _, got := r.ask(t, 2, `{"profile": "platform"}`); code != http.StatusBadRequest || !strings.Contains(got, "name the clusters") {
		t.Errorf("no clusters named: %d %s", code, got)
	}
}

// TestGateForwardFailsClosed: an owner that is down is no decision (503, naming the owner and
// why), and a request already forwarded once is never forwarded again, even by a replica that
// does not own its cluster; the owner answers such a request as usual.
func TestGateForwardFailsClosed(t *testing.T) {
	r := newReplicas(t, 3, shardedClusters)
	c1 := ownedBy(t, shardedClusters, 1, 3)
	r.ts[1].Close()
	code, shard, got := r.ask(t, 0, `{"profile": "platform", "clusters": ["`+c1+`"]}`)
	if code != http.StatusServiceUnavailable || shard != "0/3" || !strings.Contains(got, "no decision: cluster "+c1+" is owned by shard 1/3") ||
		!strings.Contains(got, "which did not answer") || !strings.Contains(got, "https://replica-1.test/v1/gate") || strings.Contains(got, "allowed") {
		t.Errorf("owner down: %d %q %s", code, shard, got)
	}

	c2 := ownedBy(t, shardedClusters, 2, 3)
	before := r.hits[2].Load()
	code, shard, got = r.ask(t, 0, `{"profile": "platform", "clusters": ["`+c2+`"]}`, server.ForwardedHeader, "1/3")
	if code != http.StatusServiceUnavailable || shard != "0/3" || !strings.Contains(got, "already forwarded once (by 1/3)") || strings.Contains(got, "allowed") {
		t.Errorf("forwarded to a non-owner: %d %q %s", code, shard, got)
	}
	if n := r.hits[2].Load(); n != before {
		t.Errorf("a forwarded request was forwarded again: the owner got %d more", n-before)
	}
	code, shard, got = r.ask(t, 2, `{"profile": "platform", "clusters": ["`+c2+`"]}`, server.ForwardedHeader, "1/3")
	if code != http.StatusOK || shard != "2/3" || !strings.Contains(got, `"allowed": true`) {
		t.Errorf("forwarded to the owner: %d %q %s", code, shard, got)
	}
}

// TestGateForwardWithoutPeers: a sharded replica without peers refuses what it does not own.
func TestGateForwardWithoutPeers(t *testing.T) {
	sh, _ := fleet.NewShard(0, 2)
	c := ownedBy(t, shardedClusters, 1, 2)
	srv := server.New(server.Config{Profiles: []*profile.Profile{mustProfile(t, platform)}, Shard: sh})
	rec := httptest.NewRecorder()
	srv.GateHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/gate", bytes.NewReader([]byte(`{"clusters": ["`+c+`"]}`))))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "no peer URL") {
		t.Errorf("%d %s", rec.Code, rec.Body.String())
	}
}

// TestWebhookAndHookForwardToOwner: the admission webhook and the Cluster API hook, asked by
// a replica that does not own the Cluster's fleet cluster, answer exactly what the owner
// answers; with the owner down, the webhook denies and the hook holds the upgrade, naming the
// owner.
func TestWebhookAndHookForwardToOwner(t *testing.T) {
	r := newReplicas(t, 3, shardedClusters)
	c2 := ownedBy(t, shardedClusters, 2, 3)
	body, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: reviewType, Request: &admissionv1.AdmissionRequest{UID: "u1", Operation: admissionv1.Update,
		Namespace: "capi", Name: c2, Object: clusterJSON("capi", c2, "v1.35.0", nil), OldObject: clusterJSON("capi", c2, "v1.34.2", nil)}})
	hook := strings.NewReplacer(`"name": "eu", "namespace": "capi"`, `"name": "`+c2+`", "namespace": "capi"`).Replace(hookRequest)
	for _, c := range []struct{ path, body, want string }{
		{"/validate/clusters", string(body), `"allowed": true`},
		{hookPath, hook, `"status": "Success"`},
	} {
		wantCode, wantShard, want := r.askPath(t, 2, c.path, c.body)
		if wantCode != http.StatusOK || wantShard != "2/3" || !strings.Contains(want, c.want) {
			t.Fatalf("owner, %s: %d %q %s", c.path, wantCode, wantShard, want)
		}
		code, shard, got := r.askPath(t, 0, c.path, c.body)
		if code != wantCode || shard != wantShard || got != want {
			t.Errorf("replica 0, %s: %d %q %s\nwant %d %q %s", c.path, code, shard, got, wantCode, wantShard, want)
		}
	}
	r.ts[2].Close()
	if _, _, got := r.askPath(t, 0, "/validate/clusters", string(body)); !strings.Contains(got, `"allowed": false`) || !strings.Contains(got, "is owned by shard 2/3, which did not answer") {
		t.Errorf("webhook, owner down: %s", got)
	}
	if _, _, got := r.askPath(t, 0, hookPath, hook); !strings.Contains(got, `"retryAfterSeconds": 5`) || !strings.Contains(got, "is owned by shard 2/3, which did not answer") {
		t.Errorf("hook, owner down: %s", got)
	}
}

// TestGateForwardNeedsACredential: a replica that forwards bearer tokens cannot forward a
// caller known by its client certificate: it refuses with the reason rather than ask the
// owner without credentials.
func TestGateForwardNeedsACredential(t *testing.T) {
	r := newReplicasWith(t, 3, shardedClusters, replicaOptions{forwardToken: true})
	c2 := ownedBy(t, shardedClusters, 2, 3)
	before := r.hits[2].Load()
	code, _, got := r.ask(t, 0, `{"profile": "platform", "clusters": ["`+c2+`"]}`)
	if code != http.StatusServiceUnavailable || !strings.Contains(got, "cannot forward a client certificate") {
		t.Errorf("%d %s", code, got)
	}
	if r.hits[2].Load() != before {
		t.Error("the owner was asked without credentials")
	}
}

// TestForwardRecordsOnlyWhatTheForwarderWould: the owner sees the forwarding replica as its
// caller, a decision writer; a review from a caller that is none (ops) is still not recorded.
func TestForwardRecordsOnlyWhatTheForwarderWould(t *testing.T) {
	r := newReplicasWith(t, 3, shardedClusters, replicaOptions{writers: []string{"apiserver", "fleetaudit-peer"}})
	c2 := ownedBy(t, shardedClusters, 2, 3)
	body, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: reviewType, Request: &admissionv1.AdmissionRequest{UID: "u1", Operation: admissionv1.Update,
		Namespace: "capi", Name: c2, Object: clusterJSON("capi", c2, "v1.35.0", nil), OldObject: clusterJSON("capi", c2, "v1.34.2", nil)}})
	if code, _, got := r.askPath(t, 0, "/validate/clusters", string(body)); code != http.StatusOK || !strings.Contains(got, `"allowed": true`) {
		t.Fatalf("%d %s", code, got)
	}
	if recs, err := r.logs[2].Allowed(c2); err != nil || len(recs) != 0 {
		t.Errorf("the owner recorded a decision ops asked for through a peer: %v %v", recs, err)
	}
}
