package server_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/metrics"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

// TestListenersHaveEveryTimeout: no listener leaves a timeout at zero (forever), and the
// gate's write timeout leaves room to read the request and evaluate it.
func TestListenersHaveEveryTimeout(t *testing.T) {
	gate := server.GateTimeouts(30 * time.Second)
	for name, tt := range map[string]server.Timeouts{"health": server.HealthTimeouts(), "gate": gate} {
		hs := tt.Server(http.NotFoundHandler())
		if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
			t.Errorf("%s listener: %+v", name, tt)
		}
	}
	if gate.Write < gate.Read+30*time.Second {
		t.Errorf("gate write timeout %v cannot hold reading (%v) and a 30s evaluation", gate.Write, gate.Read)
	}
}

// shortTimeouts are the production listeners' with seconds instead of minutes.
var shortTimeouts = server.Timeouts{ReadHeader: 2 * time.Second, Read: 2 * time.Second, Write: 5 * time.Second, Idle: 2 * time.Second}

// listen serves h on loopback with the short timeouts; it returns the address.
func listen(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := shortTimeouts.Server(h)
	go func() { _ = hs.Serve(l) }()
	t.Cleanup(func() { _ = hs.Close() })
	return l.Addr().String()
}

// closedAfter returns a channel that receives how long after start the server closed conn.
func closedAfter(conn net.Conn, start time.Time) <-chan time.Duration {
	done := make(chan time.Duration, 1)
	go func() {
		_, _ = io.Copy(io.Discard, conn) // until the server closes
		done <- time.Since(start)
	}()
	return done
}

// TestSlowClientsAreDisconnected: a client that trickles its request (one byte a second)
// to the gate or the metrics listener is disconnected within the read timeout, whether it
// trickles the headers or the body.
func TestSlowClientsAreDisconnected(t *testing.T) {
	gate := listen(t, newGateServer(t, gateOptions{}).GateHandler())
	mh, _ := metrics.Handler(metrics.New())
	health := listen(t, newGateServer(t, gateOptions{}).Handler(map[string]http.Handler{"GET /metrics": mh}))
	for _, tc := range []struct{ name, addr, head string }{
		{"gate body", gate, "POST /v1/gate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"clusters\": ["},
		{"gate headers", gate, "POST /v1/gate HTTP/1.1\r\nHost: x\r\nX-Slow: "},
		{"metrics body", health, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"},
		{"metrics headers", health, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			closed := closedAfter(conn, start)
			if _, err := io.WriteString(conn, tc.head); err != nil {
				t.Fatal(err)
			}
			for range 15 { // one byte a second, for at most 15 s
				select {
				case after := <-closed:
					if after > shortTimeouts.Read+1500*time.Millisecond {
						t.Errorf("disconnected after %v, read timeout %v", after, shortTimeouts.Read)
					}
					return
				case <-time.After(time.Second):
				}
				if _, err := io.WriteString(conn, "a"); err != nil {
					break // the server has closed
				}
			}
			select {
			case after := <-closed:
				if after > shortTimeouts.Read+1500*time.Millisecond {
					t.Errorf("disconnected after %v, read timeout %v", after, shortTimeouts.Read)
				}
			case <-time.After(time.Second):
				t.Fatalf("still connected after trickling for %v", time.Since(start))
			}
		})
	}
}

// TestIdleKeepAliveIsClosed: a keep-alive connection that sends no further request is closed
// after the idle timeout, on both listeners.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	srv := newGateServer(t, gateOptions{})
	for _, tc := range []struct{ name, addr, req string }{
		{"health", listen(t, srv.Handler(nil)), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"gate", listen(t, srv.GateHandler()), "POST /v1/gate HTTP/1.1\r\nHost: x\r\nContent-Length: 22\r\n\r\n{\"profile\":\"platform\"}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.req); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK || resp.Close {
				t.Fatalf("a keep-alive answer: %s, close %v, %v", resp.Status, resp.Close, err)
			}
			answered := time.Now()
			_, _ = io.Copy(io.Discard, br) // until the server closes
			idle := time.Since(answered)
			if idle < shortTimeouts.Idle/2 || idle > shortTimeouts.Idle+1500*time.Millisecond {
				t.Errorf("idle connection closed after %v, idle timeout %v", idle, shortTimeouts.Idle)
			}
		})
	}
}

// TestHeadersAreBounded: headers over MaxHeaderBytes are refused (431) before any handler.
func TestHeadersAreBounded(t *testing.T) {
	addr := listen(t, newGateServer(t, gateOptions{}).GateHandler())
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/gate", strings.NewReader("{}"))
	req.Header.Set("X-Big", strings.Repeat("a", server.MaxHeaderBytes+8<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers over %d bytes: %s", server.MaxHeaderBytes, resp.Status)
	}
}
