package policy

import (
	"context"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/internal/testkit/synth"
)

// BenchmarkEvaluateCluster evaluates every rule on one synthetic cluster of about 10,000
// objects (facts prepared once; the Rego is compiled once, outside the loop).
func BenchmarkEvaluateCluster(b *testing.B) {
	prices, _ := pricing.Default()
	c := synth.Facts(synth.Generate(1, 0, synth.ShapeFor(10000)), prices, time.Now())
	e, err := New(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileRules measures loading and compiling the embedded rules (done once per
// process).
func BenchmarkCompileRules(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(context.Background(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
