package server

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// waitFor polls the limiter until it runs and queues as many as given.
func waitFor(t *testing.T, l *limiter, running, waiting int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if r, w := l.load(); r == running && w == waiting {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("%d running and %d waiting, want %d and %d", r, w, running, waiting)
		}
	}
}

// TestLimiterOrder: a freed slot goes to a waiting webhook or hook decision before any
// /v1/gate request, a /v1/gate request that yields gets the slot back before the other
// /v1/gate requests, and beyond the queue requests are refused at once.
func TestLimiterOrder(t *testing.T) {
	l := newLimiter(1, 2)
	ctx := context.Background()
	var mu sync.Mutex
	var order []string
	got := func(name string) { mu.Lock(); order = append(order, name); mu.Unlock() }

	leaveA, _ := l.admit()
	releaseA, _ := l.slot(ctx, false, false) // a /v1/gate request, between two clusters
	var wg sync.WaitGroup
	wg.Go(func() { // another /v1/gate request
		leave, _ := l.admit()
		release, err := l.slot(ctx, false, false)
		if err != nil {
			t.Error(err)
			return
		}
		got("batch B")
		release()
		leave()
	})
	waitFor(t, l, 1, 1)
	wg.Go(func() { // a webhook decision, asked later
		release, err := l.acquire(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		got("urgent")
		release()
	})
	waitFor(t, l, 1, 2)
	if _, err := l.acquire(ctx); !errors.Is(err, errBusy) {
		t.Errorf("a fourth request with 1 running and 2 queued: %v, want busy", err)
	}
	releaseA, err := l.yield(ctx) // A's next cluster: the urgent one goes first, then A
	if err != nil {
		t.Fatal(err)
	}
	got("batch A again")
	releaseA()
	leaveA()
	wg.Wait()
	if want := []string{"urgent", "batch A again", "batch B"}; !slices.Equal(order, want) {
		t.Errorf("slots went to %v, want %v", order, want)
	}
	if r, w := l.load(); r != 0 || w != 0 || l.free != 1 || l.places != 3 {
		t.Errorf("after all: %d running, %d waiting, %d free, %d places", r, w, l.free, l.places)
	}
}

// TestLimiterCancelledWaiterLeaves: a waiter whose context ends gives its place in the queue
// back.
func TestLimiterCancelledWaiterLeaves(t *testing.T) {
	l := newLimiter(1, 1)
	release, _ := l.acquire(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := l.acquire(ctx); done <- err }()
	waitFor(t, l, 1, 1)
	if _, err := l.acquire(context.Background()); !errors.Is(err, errBusy) {
		t.Fatalf("with the queue full: %v, want busy", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if _, err := l.acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("after the waiter left, a new one must be queued (and time out), got %v", err)
	}
	release()
	waitFor(t, l, 0, 0)
	if l.free != 1 || l.places != 2 {
		t.Errorf("after all: %d free, %d places", l.free, l.places)
	}
}
