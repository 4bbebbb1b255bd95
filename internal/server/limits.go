package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"time"
)

// MaxBodyBytes is the largest request body any endpoint reads; a larger one is answered 413.
// It is the one limit of every POST endpoint: an AdmissionReview of an update carries the
// object and its old version, each up to etcd's 1.5 MiB, so 4 MiB admits every review the API
// server can send; a /v1/gate request of 1,000 cluster names needs a fraction of it.
const MaxBodyBytes = 4 << 20

// Defaults of Limits. The default concurrency is one evaluation per two CPUs (at least one):
// an evaluation uses two (policy.Options.Parallelism), so more at once would only make them
// share the CPUs, and would leave none to answer health and metrics without delay.
const (
	DefaultQueue   = 32
	DefaultTimeout = 30 * time.Second
	// BusyRetryAfterSeconds is what a busy gate tells its caller to wait before asking again
	// (Retry-After, the webhook's status details, the hook's retryAfterSeconds).
	BusyRetryAfterSeconds = 5
)

// Limits bound the work callers can make the gate do. The zero Limits are the defaults.
type Limits struct {
	// Concurrency is how many gate evaluations (a cluster of a /v1/gate request, a webhook
	// or hook decision) run at once; Queue how many more requests may be admitted to wait
	// for a slot. Beyond both a request is answered at once that the gate is busy.
	// Concurrency 0 is the default: half the CPUs (GOMAXPROCS), at least 1.
	Concurrency, Queue int
	// Timeout bounds a gate request's wait for a slot and its evaluation. The webhook and the
	// hook answer within their caller's own timeout (the ?timeout= the API server and
	// Cluster API send) when it is shorter. 0 is the default.
	Timeout time.Duration
}

func (l Limits) withDefaults() Limits {
	if l == (Limits{}) {
		l.Queue = DefaultQueue
	}
	if l.Concurrency <= 0 {
		l.Concurrency = max(runtime.GOMAXPROCS(0)/2, 1)
	}
	l.Queue = max(l.Queue, 0)
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	return l
}

// budget is how long the request may take to be decided: its caller's timeout (the
// ?timeout= query parameter the API server and Cluster API add, else fallback) less a
// second to send the answer in, within Limits.Timeout.
func (s *Server) budget(r *http.Request, fallback time.Duration) time.Duration {
	t := fallback
	if q := r.URL.Query().Get("timeout"); q != "" {
		if d, err := time.ParseDuration(q); err == nil && d > 0 {
			t = d
		}
	}
	if t <= 0 || t > s.limits.Timeout {
		return s.limits.Timeout
	}
	if t > 2*time.Second {
		return t - time.Second
	}
	return t / 2
}

// limitBodies answers 413 to a request that declares a body over MaxBodyBytes, before
// anything reads it, and cuts off one that turns out longer while it is read.
func limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			writeTooLarge(w)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

func writeTooLarge(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{
		"error": fmt.Sprintf("request body too large: every fleetaudit endpoint reads at most %d MiB", MaxBodyBytes>>20)})
}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// readJSON decodes the request body as exactly one JSON value into v (strict: no unknown
// fields), reading it to its end: then Go's server lifts the read deadline (to notice a
// caller that leaves), so the listener's ReadTimeout bounds reading the request, not its
// evaluation, which has its own budget.
func readJSON(r *http.Request, v any, strict bool) error {
	dec := json.NewDecoder(r.Body)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		if tooLarge(err) {
			return err
		}
		return errors.New("more than one JSON value in the body")
	}
	return nil
}

// busyMessage says why a request got no decision: the gate is busy, or the request's time
// ran out (or its caller left) while it waited or was evaluated.
func (s *Server) busyMessage(err error) string {
	if errors.Is(err, errBusy) {
		return fmt.Sprintf("the gate is busy (%d evaluations running, %d waiting): ask again in %ds", s.limits.Concurrency, s.limits.Queue, BusyRetryAfterSeconds)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no decision in time (the gate is overloaded): ask again in %ds", BusyRetryAfterSeconds)
	}
	return "the request was cancelled before a decision"
}

func setRetryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(BusyRetryAfterSeconds))
}
