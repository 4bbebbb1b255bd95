//go:build race

package main

// raceDetector: the race detector slows the code 5-10 times, so latency bounds do not hold.
const raceDetector = true
