package fleet

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	for in, want := range map[string]Shard{"0/1": {0, 1}, "3/4": {3, 4}, " 1/2 ": {1, 2}} {
		got, err := ParseShard(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v", in, got, err)
		}
	}
	for in, msg := range map[string]string{
		"3/2": "shard index 3 of 2: want 0 to 1", "x": "want INDEX/COUNT", "1/x": "whole numbers",
		"-1/2": "shard index -1", "0/0": "shard count 0", "0/10001": "shard count 10001",
	} {
		if _, err := ParseShard(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: error %v, want %q", in, err, msg)
		}
	}
}

func clusters(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("prod-%04d", i)
	}
	return out
}

// TestOwnerPartitionsTheFleet: every cluster has exactly one owner among the shards, and
// the parts are near even.
func TestOwnerPartitionsTheFleet(t *testing.T) {
	names := clusters(10000)
	for _, n := range []int{2, 3, 8, 50} {
		count := make([]int, n)
		for _, c := range names {
			owners := 0
			for i := range n {
				if (Shard{i, n}).Owns(c) {
					owners++
					count[i]++
				}
			}
			if owners != 1 {
				t.Fatalf("%s has %d owners among %d shards", c, owners, n)
			}
		}
		even := len(names) / n
		for i, k := range count {
			if k < even*7/10 || k > even*13/10 {
				t.Errorf("%d shards: shard %d owns %d of %d clusters (even: %d)", n, i, k, len(names), even)
			}
		}
	}
}

// TestOwnerMovesOnlyWhatItMust: from n to n+1 shards, a cluster either stays or moves to the
// new shard, and about 1/(n+1) of them move.
func TestOwnerMovesOnlyWhatItMust(t *testing.T) {
	names := clusters(10000)
	for _, n := range []int{1, 2, 4, 9} {
		moved := 0
		for _, c := range names {
			before, after := Owner(c, n), Owner(c, n+1)
			if before != after {
				moved++
				if after != n {
					t.Fatalf("%s moved from %d to %d going from %d to %d shards: only moves to the new shard are allowed", c, before, after, n, n+1)
				}
			}
		}
		want := len(names) / (n + 1)
		if moved < want*8/10 || moved > want*12/10 {
			t.Errorf("%d -> %d shards moved %d clusters, want about %d", n, n+1, moved, want)
		}
	}
}

// TestOwnerIsStable pins a few assignments: they must never change between releases, or a
// rollout of fleetaudit would reshuffle every shard.
func TestOwnerIsStable(t *testing.T) {
	got := []int{Owner("prod-eu-west", 4), Owner("prod-us-central", 4), Owner("staging-eastus", 4), Owner("", 4), Owner("prod-eu-west", 1)}
	want := []int{0, 2, 2, 3, 0} // recorded when the hash was chosen (fleetaudit 2026-12)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("owners %v, pinned %v", got, want)
	}
}

func BenchmarkOwner(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Owner("prod-eu-west-cluster-0042", 16)
	}
}
