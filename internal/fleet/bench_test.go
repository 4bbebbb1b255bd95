package fleet

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/internal/testkit/synth"
)

// BenchmarkSnapshotAudit audits a snapshot folder of N synthetic clusters (about 10,000
// objects each): read, decode, evaluate, stream. Per-cluster cost should stay flat as N grows.
func BenchmarkSnapshotAudit(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			prices, _ := pricing.Default()
			for i := range n {
				if err := WriteSnapshot(dir, synth.Facts(synth.Generate(1, i, synth.ShapeFor(10000)), prices, time.Now())); err != nil {
					b.Fatal(err)
				}
			}
			snap, err := OpenSnapshot(dir, SnapshotOptions{})
			if err != nil {
				b.Fatal(err)
			}
			engine, err := policy.New(context.Background(), policy.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(context.Background(), snap.Jobs(), engine, Options{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(n), "ms/cluster")
		})
	}
}
