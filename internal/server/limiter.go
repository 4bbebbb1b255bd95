package server

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// errBusy: every evaluation slot is taken and the queue is full.
var errBusy = errors.New("the gate is busy")

// limiter runs at most n evaluations at once and admits at most queue more requests to wait
// for a slot; a request beyond both is refused at once instead of piling up. Waiting ends
// with the request's context, so a caller that leaves, or runs out of time, gives its place
// back.
//
// A freed slot goes to the longest-waiting urgent request (a webhook or hook decision,
// whose caller gives up after seconds and whose failure policy then blocks the change),
// else to the longest-waiting batch request (/v1/gate). A batch request keeps its slot from
// cluster to cluster, so queued requests finish one after another rather than all late
// together, but yields it between clusters while an urgent one waits.
type limiter struct {
	mu      sync.Mutex
	free    int // evaluation slots
	places  int // places for admitted requests, running or waiting
	running int
	urgent  []*waiter
	batch   []*waiter
}

// waiter is a request waiting for a slot; ready is closed when it is handed one.
type waiter struct{ ready chan struct{} }

func newLimiter(n, queue int) *limiter {
	return &limiter{free: n, places: n + queue}
}

// admit takes a place among the admitted requests, or fails with errBusy; leave gives it
// back. An admitted request takes a slot for its evaluations.
func (l *limiter) admit() (leave func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.places == 0 {
		return nil, errBusy
	}
	l.places--
	return func() { l.mu.Lock(); l.places++; l.mu.Unlock() }, nil
}

// slot waits for an evaluation slot of an admitted request (urgent: ahead of batch
// requests; front: ahead of the other batch requests, for one that yielded its slot). The
// error is the context's.
func (l *limiter) slot(ctx context.Context, urgent, front bool) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	if l.free > 0 {
		l.free--
		l.running++
		l.mu.Unlock()
		return l.release, nil
	}
	w := &waiter{ready: make(chan struct{})}
	switch {
	case urgent:
		l.urgent = append(l.urgent, w)
	case front:
		l.batch = slices.Insert(l.batch, 0, w)
	default:
		l.batch = append(l.batch, w)
	}
	l.mu.Unlock()
	return l.await(ctx, w)
}

// await waits for w to be handed a slot, or gives its place back when ctx ends.
func (l *limiter) await(ctx context.Context, w *waiter) (release func(), err error) {
	select {
	case <-w.ready:
		return l.release, nil
	case <-ctx.Done():
		l.mu.Lock()
		l.urgent = slices.DeleteFunc(l.urgent, func(x *waiter) bool { return x == w })
		l.batch = slices.DeleteFunc(l.batch, func(x *waiter) bool { return x == w })
		l.mu.Unlock()
		select {
		case <-w.ready:
			l.release() // handed a slot as the context ended: pass it on
		default:
		}
		return nil, ctx.Err()
	}
}

// release hands the slot to the next waiter, urgent first, or frees it.
func (l *limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	var next *waiter
	switch {
	case len(l.urgent) > 0:
		next, l.urgent = l.urgent[0], l.urgent[1:]
	case len(l.batch) > 0:
		next, l.batch = l.batch[0], l.batch[1:]
	default:
		l.free++
		l.running--
		return
	}
	close(next.ready)
}

// yield gives a batch request's slot to a waiting urgent request, if any, and waits for
// the next slot at the front of the batch requests; otherwise it keeps the slot.
func (l *limiter) yield(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	if len(l.urgent) == 0 {
		l.mu.Unlock()
		return l.release, nil
	}
	// Queue at the front and hand the slot to the urgent waiter in one step: done in two,
	// the urgent request could finish in between and pass the slot to the next batch
	// request, ahead of this one.
	w := &waiter{ready: make(chan struct{})}
	l.batch = slices.Insert(l.batch, 0, w)
	next := l.urgent[0]
	l.urgent = l.urgent[1:]
	close(next.ready)
	l.mu.Unlock()
	return l.await(ctx, w)
}

// acquire admits an urgent request for one evaluation and waits for its slot; release both
// with the returned func. The error is errBusy or the context's.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	leave, err := l.admit()
	if err != nil {
		return nil, err
	}
	done, err := l.slot(ctx, true, false)
	if err != nil {
		leave()
		return nil, err
	}
	return func() { done(); leave() }, nil
}

// load is how many evaluations run and how many admitted requests wait for a slot.
func (l *limiter) load() (running, waiting int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.running, len(l.urgent) + len(l.batch)
}
