//go:build race

package collectors

// raceEnabled: the race detector multiplies allocations, so allocation bounds are looser under it.
const raceEnabled = true
