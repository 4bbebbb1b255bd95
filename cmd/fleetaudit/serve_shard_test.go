package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// TestServeShardUsage: a shard that does not exist, and forwarding flags that cannot work,
// stop serve before it starts, with what to change.
func TestServeShardUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "3/2"}, "--shard: shard index 3 of 2"},
		{[]string{"--shard-peer-url", "https://fleetaudit-{index}:8443"}, "add --shard I/N or --shards N"},
		{[]string{"--shard", "0/2", "--shard-peer-url", "https://fleetaudit-0:8443"}, "put {index} where the replica's index goes"},
		{[]string{"--shard", "0/2", "--shard-peer-url", "http://fleetaudit-{index}:8443"}, "over TLS only"},
		{[]string{"--shard", "0/2", "--shard-peer-url", "https://fleetaudit-{index}:8443"}, "serve the gate endpoints"},
		{[]string{"--peer-ca", "ca.crt"}, "add --shard-peer-url"},
	} {
		code, _, errOut := runCLI(t, append([]string{"serve", "--demo", "--listen", "127.0.0.1:0"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("serve %v: exit %d, %s; want usage error with %q", c.args, code, errOut, c.want)
		}
	}
}

// TestServeShardAuditsItsClusters: serve --shard I/N audits, and exports metrics for, only
// the demo clusters its shard owns, and labels its own audit series with the shard.
func TestServeShardAuditsItsClusters(t *testing.T) {
	demo := []string{"prod-eu-west", "prod-us-central", "staging-eastus"}
	shard := fleet.Shard{Index: fleet.Owner(demo[0], 2), Count: 2}
	var want []string
	for _, c := range demo {
		if shard.Owns(c) {
			want = append(want, c)
		}
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var out, errOut syncBuilder
	wg.Go(func() {
		if code := run(ctx, []string{"serve", "--demo", "--listen", addr, "--interval", "1h", "--shard", shard.String()}, &out, &errOut); code != exitOK {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	var metrics string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no audit in time: %s", errOut.String())
		}
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if metrics = string(b); strings.Contains(metrics, "fleetaudit_audit_duration_seconds") {
			break
		}
	}
	if !strings.Contains(metrics, `fleetaudit_audit_last_run_timestamp_seconds{shard="`+shard.String()+`"}`) {
		t.Errorf("no shard label on the audit series:\n%s", metrics)
	}
	var got []string
	for _, m := range regexp.MustCompile(`fleetaudit_cluster_info\{[^}]*cluster="([^"]+)"`).FindAllStringSubmatch(metrics, -1) {
		got = append(got, m[1])
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("shard %s exports clusters %v, want %v", shard, got, want)
	}
}
