package server

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// Headers of sharded replicas. ShardHeader names the replica that answered a gate request
// ("I/N"); ForwardedHeader marks a request one replica forwarded to another (its value is the
// forwarder's shard), which is never forwarded again.
const (
	ShardHeader     = "X-Fleetaudit-Shard"
	ForwardedHeader = "X-Fleetaudit-Forwarded-By"
	// NoRecordHeader marks a forwarded request whose decision the forwarder would not have
	// recorded (it came in on the unauthenticated hook listener, or from a caller that is no
	// --decision-writer): the owner, which sees the forwarder as its caller, records none
	// either. It can only lower what a request may do, so any caller may send it.
	NoRecordHeader = "X-Fleetaudit-No-Record"
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

// ownerAnswer is a peer's answer to a forwarded request.
type ownerAnswer struct {
	status int
	header http.Header
	body   []byte
}

// askOwner sends the request (r's path, body as the caller sent it) to replica owner, within
// ctx (the request's budget, passed on as ?timeout=), and reads at most MaxBodyBytes of its
// answer. No answer is an error that says why, naming the owner, for the caller to read.
func (s *Server) askOwner(ctx context.Context, r *http.Request, body []byte, owner int, what string) (ownerAnswer, error) {
	sh := s.cfg.Shard
	ownerShard := fleet.Shard{Index: owner, Count: sh.Count}
	refuse := func(format string, args ...any) (ownerAnswer, error) {
		err := fmt.Errorf("no decision: %s is owned by shard %s, %s", what, ownerShard, fmt.Sprintf(format, args...))
		s.cfg.Log.Warn("gate request not forwarded", "owner", ownerShard.String(), "path", r.URL.Path, "reason", err.Error())
		return ownerAnswer{}, err
	}
	if by := r.Header.Get(ForwardedHeader); by != "" {
		return refuse("not by this replica (%s), and the request was already forwarded once (by %s): replicas disagree on the number of shards or their order; it is not forwarded again", sh, by)
	}
	if s.cfg.Peers == nil {
		return refuse("not by this replica (%s), which has no peer URL to forward to (serve --shard-peer-url)", sh)
	}
	p := s.cfg.Peers
	url := p.peerURL(owner, r.URL.Path)
	if dl, ok := ctx.Deadline(); ok {
		url += "?timeout=" + time.Until(dl).Round(time.Millisecond).String()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return refuse("whose URL is not valid: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(ForwardedHeader, sh.String())
	if c, known := CallerFrom(r.Context()); anonymous(r.Context()) || (s.cfg.Decisions != nil && !s.cfg.Decisions.writes(c, known)) {
		req.Header.Set(NoRecordHeader, "true") // the owner records only what this replica would
	}
	if p.ForwardToken {
		a := r.Header.Get("Authorization")
		if c, known := CallerFrom(r.Context()); a == "" && known && c.Via == "certificate" {
			return refuse("not by this replica (%s), which forwards callers' bearer tokens and cannot forward a client certificate: ask shard %s directly, or give the replicas peer client certificates (serve --peer-client-cert)", sh, ownerShard)
		}
		if a != "" {
			req.Header.Set("Authorization", a)
		}
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return refuse("which did not answer in time: %v", err)
		}
		return refuse("which did not answer: %v", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	switch {
	case err != nil:
		return refuse("whose answer could not be read: %v", err)
	case len(answer) > MaxBodyBytes:
		return refuse("whose answer is larger than %d MiB", MaxBodyBytes>>20)
	}
	return ownerAnswer{status: resp.StatusCode, header: resp.Header, body: answer}, nil
}

// write copies the owner's answer — status, Content-Type, Retry-After, the answering shard
// and the body — to w.
func (a ownerAnswer) write(w http.ResponseWriter, owner fleet.Shard) {
	for _, h := range []string{"Content-Type", "Retry-After", "WWW-Authenticate"} {
		if v := a.header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.Header().Set(ShardHeader, cmp.Or(a.header.Get(ShardHeader), owner.String()))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// notOwned reports the owner of cluster when another replica owns it.
func (s *Server) notOwned(cluster string) (owner int, ok bool) {
	if s.cfg.Shard.Owns(cluster) {
		return 0, false
	}
	return fleet.Owner(cluster, s.cfg.Shard.Count), true
}

// routeKey carries a webhook's or hook's route out of the code that resolves its cluster:
// owner is -1 while this replica owns it.
type routeKey struct{}

type route struct {
	owner   int
	cluster string
}

// routed is the refusal of a webhook request for a cluster another replica owns, noted in
// ctx's route so that serveAdmission forwards the request instead: if it did not, the
// refusal stands (fail closed). nil when this replica owns cluster.
func (s *Server) routed(ctx context.Context, cluster string) *metav1.Status {
	o, ok := s.notOwned(cluster)
	if !ok {
		return nil
	}
	if rt, has := ctx.Value(routeKey{}).(*route); has {
		rt.owner, rt.cluster = o, cluster
	}
	return forbid(fmt.Sprintf("fleetaudit: cluster %s is owned by shard %s, not by this replica (%s)", cluster, fleet.Shard{Index: o, Count: s.cfg.Shard.Count}, s.cfg.Shard))
}

// forwardReview answers an AdmissionReview for a cluster another replica owns with the
// owner's answer, or, when there is none or it is not a review (any status but 200), with a
// denial that says why: the webhook never allows what it could not ask.
func (s *Server) forwardReview(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, rt *route, review *admissionv1.AdmissionReview) {
	a, err := s.askOwner(ctx, r, body, rt.owner, "cluster "+rt.cluster)
	if err == nil && a.status != http.StatusOK {
		err = fmt.Errorf("no decision: cluster %s is owned by shard %s, which answered %d: %s", rt.cluster, fleet.Shard{Index: rt.owner, Count: s.cfg.Shard.Count}, a.status, snippet(a.body))
	}
	if err != nil {
		deny(review.Response, http.StatusServiceUnavailable, "fleetaudit: "+err.Error())
		writeJSON(w, http.StatusOK, review)
		return
	}
	a.write(w, fleet.Shard{Index: rt.owner, Count: s.cfg.Shard.Count})
}

// snippet is the start of a peer's error answer, for a reason.
func snippet(b []byte) string {
	const n = 300
	t := strings.TrimSpace(string(b))
	if len(t) > n {
		t = t[:n] + "…"
	}
	return t
}

// forwardHook answers a BeforeClusterUpgrade request for a cluster another replica owns with
// the owner's answer, or, when there is none or it is not a hook answer (any status but
// 200), holds the upgrade with the reason and has Cluster API ask again.
func (s *Server) forwardHook(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, owner int, cluster string, resp beforeClusterUpgradeResponse) {
	a, err := s.askOwner(ctx, r, body, owner, "cluster "+cluster)
	if err == nil && a.status != http.StatusOK {
		err = fmt.Errorf("no decision: cluster %s is owned by shard %s, which answered %d: %s", cluster, fleet.Shard{Index: owner, Count: s.cfg.Shard.Count}, a.status, snippet(a.body))
	}
	if err != nil {
		resp.Status, resp.Message, resp.RetryAfterSeconds = "Success", "fleetaudit: "+err.Error(), BusyRetryAfterSeconds
		writeJSON(w, http.StatusOK, resp)
		return
	}
	a.write(w, fleet.Shard{Index: owner, Count: s.cfg.Shard.Count})
}
