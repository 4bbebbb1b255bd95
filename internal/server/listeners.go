package server

import (
	"net/http"
	"time"
)

// MaxHeaderBytes bounds a request's headers on every listener (431 beyond); a bearer token
// is a few KiB.
const MaxHeaderBytes = 64 << 10

// Timeouts are one listener's. All are set, so a connection that trickles its request,
// does not read its answer, or sits idle is closed. For TLS the handshake is bounded by the
// shortest of them.
type Timeouts struct {
	// ReadHeader bounds reading the request line and headers; Read the whole request with
	// its body (once the body is read, Go's server lifts it: it does not cut into the
	// evaluation).
	ReadHeader, Read time.Duration
	// Write bounds the time from the end of the headers to the end of the answer: reading
	// the body, deciding and writing.
	Write time.Duration
	// Idle bounds how long a keep-alive connection waits for its next request. It is longer
	// than the 90 s after which Go clients (the API server's webhook client, Prometheus)
	// drop idle connections themselves, so the server rarely closes one a request is on.
	Idle time.Duration
}

// HealthTimeouts are the plain listener's (/healthz, /readyz, /metrics): GET requests
// without a body; writing a large fleet's metrics may take a few seconds.
func HealthTimeouts() Timeouts {
	return Timeouts{ReadHeader: 5 * time.Second, Read: 10 * time.Second, Write: 30 * time.Second, Idle: 120 * time.Second}
}

// GateTimeouts are the gate listener's, for a gate timeout (Limits.Timeout): a request and
// its body (at most MaxBodyBytes) are read within 10 s; the answer follows within the
// evaluation's budget and 5 s to write it.
func GateTimeouts(gate time.Duration) Timeouts {
	read := 10 * time.Second
	return Timeouts{ReadHeader: read, Read: read, Write: read + gate + 5*time.Second, Idle: 120 * time.Second}
}

// Server is an http.Server for h with these timeouts and MaxHeaderBytes.
func (t Timeouts) Server(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write,
		IdleTimeout: t.Idle, MaxHeaderBytes: MaxHeaderBytes}
}
