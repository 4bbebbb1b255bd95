package fleet

import (
	"io"
	"net/http"
	"sync"
)

// DefaultMaxInflight bounds the API requests in flight across every cluster of a run.
const DefaultMaxInflight = 64

// inflight is a process-wide bound on API requests (--max-inflight): with thousands of
// clusters, --workers clusters list at once and each collector may list in parallel; the
// bound keeps sockets, buffers and the decoding they bring in check whatever the fleet size.
// A request holds its slot until its response body is closed (a LIST page is read whole),
// and waits for one no longer than its context allows.
type inflight chan struct{}

func (s inflight) wrap(rt http.RoundTripper) http.RoundTripper { return limitedRT{rt, s} }

type limitedRT struct {
	next  http.RoundTripper
	slots inflight
}

func (l limitedRT) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case l.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := l.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		<-l.slots
		return resp, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: func() { <-l.slots }}
	return resp, nil
}

// releasingBody gives the slot back when the body is closed (once).
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
