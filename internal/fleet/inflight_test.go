package fleet

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestInflightBoundsRequestsAcrossClients: many clients (one per cluster) sharing one bound
// never have more requests in flight than it allows, a slot is held until the body is
// closed, and a request waiting for a slot gives up with its context.
func TestInflightBoundsRequestsAcrossClients(t *testing.T) {
	var now, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		now.Add(-1)
		io.WriteString(w, "page")
	}))
	defer srv.Close()
	slots := make(inflight, 3)
	var wg sync.WaitGroup
	for range 8 { // eight clusters' clients
		c := &http.Client{Transport: slots.wrap(http.DefaultTransport)}
		for range 5 {
			wg.Go(func() {
				resp, err := c.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
	}
	wg.Wait()
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak requests in flight %d, want at most 3 (and the bound used)", p)
	}
	if len(slots) != 0 {
		t.Errorf("%d slots still held after every body was closed", len(slots))
	}

	// A held slot (body not closed) blocks the next request until its context ends.
	one := make(inflight, 1)
	c := &http.Client{Transport: one.wrap(http.DefaultTransport)}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if _, err := c.Do(req); err == nil {
		t.Error("a request got a slot while the only one was held")
	}
	resp.Body.Close()
	if _, err := c.Get(srv.URL); err != nil {
		t.Errorf("after the body was closed: %v", err)
	}
}
