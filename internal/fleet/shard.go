package fleet

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Shard is one part of a fleet split Count ways: the clusters whose Owner is Index. The zero
// Shard (Count 0) is the whole fleet.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// MaxShards bounds Count: more parts than that is a typo, not a fleet.
const MaxShards = 10000

// Whole reports whether s is the whole fleet (no sharding).
func (s Shard) Whole() bool { return s.Count <= 1 }

// String is "I/N" ("" for the whole fleet).
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Owns reports whether cluster belongs to s.
func (s Shard) Owns(cluster string) bool {
	return s.Whole() || Owner(cluster, s.Count) == s.Index
}

// ParseShard reads "I/N" (0 <= I < N <= MaxShards).
func ParseShard(v string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want INDEX/COUNT, e.g. 0/4 (the first of four parts)", v)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: INDEX and COUNT must be whole numbers, e.g. 0/4", v)
	}
	return NewShard(i, n)
}

// NewShard checks 0 <= index < count <= MaxShards.
func NewShard(index, count int) (Shard, error) {
	switch {
	case count < 1 || count > MaxShards:
		return Shard{}, fmt.Errorf("shard count %d: want 1 to %d", count, MaxShards)
	case index < 0 || index >= count:
		return Shard{}, fmt.Errorf("shard index %d of %d: want 0 to %d (indexes count from 0)", index, count, count-1)
	}
	return Shard{Index: index, Count: count}, nil
}

// Owner is the shard of n that cluster belongs to, by rendezvous (highest-random-weight)
// hashing of its name: each shard index scores the name, the highest score wins. Changing n
// moves only the clusters whose winner changes — growing from n to n+1 moves about 1/(n+1) of
// the fleet, all of them to the new shard — and every process computes the same answer with
// no coordination. The score is the first 8 bytes of SHA-256(name, 0, index): stable across
// versions, platforms and processes.
func Owner(cluster string, n int) int {
	if n <= 1 {
		return 0
	}
	best, bestScore := 0, uint64(0)
	buf := make([]byte, 0, len(cluster)+9)
	for i := range n {
		buf = append(buf[:0], cluster...)
		buf = append(buf, 0)
		buf = binary.BigEndian.AppendUint64(buf, uint64(i))
		sum := sha256.Sum256(buf)
		if s := binary.BigEndian.Uint64(sum[:8]); i == 0 || s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}
