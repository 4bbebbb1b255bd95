// Command synthfleet writes a deterministic synthetic fleet snapshot (seeded) for benchmarks:
//
//	go run ./hack/synthfleet -o /tmp/fleet -clusters 100 -objects 10000 -seed 1
//
// then: fleetaudit audit --snapshot /tmp/fleet
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/internal/testkit/synth"
)

func main() {
	out := flag.String("o", "", "snapshot folder to write")
	clusters := flag.Int("clusters", 10, "clusters")
	objects := flag.Int("objects", 10000, "objects per cluster (about)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "synthfleet: -o DIR is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "synthfleet:", err)
		os.Exit(1)
	}
	prices, err := pricing.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "synthfleet:", err)
		os.Exit(1)
	}
	collected := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	total := 0
	for i := range *clusters {
		c := synth.Generate(*seed, i, synth.ShapeFor(*objects))
		total += c.Objects()
		if err := fleet.WriteSnapshot(*out, synth.Facts(c, prices, collected)); err != nil {
			fmt.Fprintln(os.Stderr, "synthfleet:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("wrote %d clusters (%d objects) to %s\n", *clusters, total, *out)
}
