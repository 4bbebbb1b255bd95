package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// Headers of sharded replicas. ShardHeader names the replica that answered a gate request
// ("I/N"); ForwardedHeader marks a request one replica forwarded to another (its value is the
// forwarder's shard), which is never forwarded again.
const (
	ShardHeader     = "X-Fleetaudit-Shard"
	ForwardedHeader = "X-Fleetaudit-Forwarded-By"
)

// PeerIndex is the placeholder of a replica's index in Peers.URL.
const PeerIndex = "{index}"

// Peers are the other replicas of a sharded serve, which own the clusters this one does not.
// A gate request for a cluster another replica owns is forwarded to it, once, and its answer
// returned as it is. Every failure to get that answer (the owner is unreachable, slow, answers
// too much, or the request was already forwarded) is a refusal with the reason, never an
// allow.
type Peers struct {
	// URL is the base URL of a replica, with PeerIndex where its index goes, e.g.
	// https://fleetaudit-{index}.fleetaudit-headless.fleetaudit.svc:8443.
	URL string
	// Client reaches the peers. Its transport must verify them (a CA of their serving
	// certificates) and, when it has one, present this replica's client certificate.
	Client *http.Client
	// ForwardToken passes the caller's bearer token on to the owner, which authenticates the
	// caller itself. Set it only when Client verifies the peers against a CA of their own.
	ForwardToken bool
}

// peerURL is the gate URL of replica index.
func (p *Peers) peerURL(index int, path string) string {
	return strings.ReplaceAll(p.URL, PeerIndex, strconv.Itoa(index)) + path
}

// routeGate says who answers a /v1/gate request for clusters: -1 this replica, else the index
// of the one replica that owns them all. Clusters of several owners are an error: the
// request must be split per owner.
func routeGate(sh fleet.Shard, clusters []string) (owner int, err error) {
	if sh.Whole() {
		return -1, nil
	}
	owners := map[int][]string{}
	for _, c := range clusters {
		o := fleet.Owner(c, sh.Count)
		owners[o] = append(owners[o], c)
	}
	if len(owners) > 1 {
		var parts []string
		for i := range sh.Count {
			if cs := owners[i]; len(cs) > 0 {
				parts = append(parts, fmt.Sprintf("%s: %s", fleet.Shard{Index: i, Count: sh.Count}, strings.Join(cs, ", ")))
			}
		}
		return 0, fmt.Errorf("the clusters belong to %d shards (%s): ask about the clusters of one shard per request", len(owners), strings.Join(parts, "; "))
	}
	for o := range owners {
		if o != sh.Index {
			return o, nil
		}
	}
	return -1, nil
}

// forward sends a gate request (body: as the caller sent it) to replica owner and copies its
// answer — status, Content-Type, Retry-After and body — to w. It runs within ctx (the
// request's budget) and reads at most MaxBodyBytes of the answer. Any failure is answered 503
// with the reason, naming the owner: no answer from the owner is no decision.
func (s *Server) forward(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, owner int, what string) {
	sh := s.cfg.Shard
	ownerShard := fleet.Shard{Index: owner, Count: sh.Count}
	refuse := func(format string, args ...any) {
		s.cfg.Log.Warn("gate request not forwarded", "owner", ownerShard.String(), "what", what, "reason", fmt.Sprintf(format, args...))
		setRetryAfter(w)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": fmt.Sprintf("no decision: %s is owned by shard %s", what, ownerShard) + ", " + fmt.Sprintf(format, args...)})
	}
	if by := r.Header.Get(ForwardedHeader); by != "" {
		refuse("not by this replica (%s), and the request was already forwarded once (by %s): replicas disagree on the number of shards or their order; it is not forwarded again", sh, by)
		return
	}
	if s.cfg.Peers == nil {
		refuse("not by this replica (%s), which has no peer URL to forward to (serve --shard-peer-url)", sh)
		return
	}
	p := s.cfg.Peers
	url := p.peerURL(owner, r.URL.Path)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		refuse("whose URL %s is not valid: %v", url, err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(ForwardedHeader, sh.String())
	if p.ForwardToken {
		a := r.Header.Get("Authorization")
		if c, known := CallerFrom(r.Context()); a == "" && known && c.Via == "certificate" {
			refuse("not by this replica (%s), which forwards callers' bearer tokens and cannot forward a client certificate: ask shard %s directly, or give the replicas peer client certificates (serve --peer-client-cert)", sh, ownerShard)
			return
		}
		if a != "" {
			req.Header.Set("Authorization", a)
		}
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			refuse("which did not answer in time (%s): %v", url, err)
			return
		}
		refuse("which did not answer (%s): %v", url, err)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	switch {
	case err != nil:
		refuse("whose answer could not be read (%s): %v", url, err)
		return
	case len(answer) > MaxBodyBytes:
		refuse("whose answer is larger than %d MiB (%s)", MaxBodyBytes>>20, url)
		return
	}
	for _, h := range []string{"Content-Type", "Retry-After", ShardHeader, "WWW-Authenticate"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	if w.Header().Get(ShardHeader) == "" {
		w.Header().Set(ShardHeader, ownerShard.String())
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}
