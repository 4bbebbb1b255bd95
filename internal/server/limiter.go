package server

import (
	"context"
	"errors"
)

// errBusy: every evaluation slot is taken and the queue is full.
var errBusy = errors.New("the gate is busy")

// limiter runs at most n evaluations at once and admits at most queue more requests to wait
// for a slot; a request beyond both is refused at once instead of piling up. Waiting ends
// with the request's context, so a caller that leaves, or runs out of time, gives its place
// back. Slots are handed over in the order they were asked for.
type limiter struct {
	admitted chan struct{} // requests running or waiting; capacity n + queue
	running  chan struct{} // evaluations running; capacity n
}

func newLimiter(n, queue int) *limiter {
	return &limiter{admitted: make(chan struct{}, n+queue), running: make(chan struct{}, n)}
}

// admit takes a place among the admitted requests, or fails with errBusy; leave gives it
// back. An admitted request takes a slot for each evaluation it makes.
func (l *limiter) admit() (leave func(), err error) {
	select {
	case l.admitted <- struct{}{}:
		return func() { <-l.admitted }, nil
	default:
		return nil, errBusy
	}
}

// slot waits for an evaluation slot of an admitted request; release it when the evaluation
// is done. The error is the context's.
func (l *limiter) slot(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case l.running <- struct{}{}:
		return func() { <-l.running }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// acquire admits a request for one evaluation and waits for its slot; release both with
// the returned func. The error is errBusy or the context's.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	leave, err := l.admit()
	if err != nil {
		return nil, err
	}
	done, err := l.slot(ctx)
	if err != nil {
		leave()
		return nil, err
	}
	return func() { done(); leave() }, nil
}

// load is how many evaluations run and how many admitted requests wait.
func (l *limiter) load() (running, waiting int) {
	r, a := len(l.running), len(l.admitted)
	return r, max(a-r, 0)
}
