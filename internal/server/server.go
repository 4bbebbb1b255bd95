// Package server is fleetaudit serve: it audits the fleet on an interval and serves the last
// finished audit — health, metrics, and gate answers (HTTP, a Cluster API runtime extension,
// and a validating admission webhook). Handlers read an immutable state that the audit loop
// swaps atomically, so a running audit never blocks a request.
package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// State is one finished audit: the facts of every cluster, their results, and the gate
// decisions for every configured profile and targeted cluster.
type State struct {
	Facts     map[string]*facts.Cluster
	Audit     *fleet.Audit
	Finished  time.Time
	Duration  time.Duration
	Decisions []policy.Decision
}

// Observer is told about every finished audit (metrics, reports).
type Observer interface {
	Observe(s *State)
}

// Config configures a Server.
type Config struct {
	Engine   *policy.Engine
	Profiles []*profile.Profile
	// Bindings say which profile each fleet cluster is held to and which fleet cluster a
	// Cluster object is; the admission webhook and the Cluster API hook deny (fail closed)
	// what they do not cover. nil: nothing is bound.
	Bindings *binding.Bindings
	// Jobs returns the fleet to audit (called at every audit, so inventory changes apply).
	Jobs    func() ([]fleet.Job, error)
	Options fleet.Options
	// Interval between audits; Jitter is the random share (0–1) added to spread load.
	Interval time.Duration
	Jitter   float64
	Log      *slog.Logger
	Now      func() time.Time
	// Callers, when set, lets only authenticated (and allowed) callers reach the gate
	// endpoints. fleetaudit serve refuses to serve them without it unless told otherwise.
	Callers *CallerAuth
	// Decisions, when set, records the webhook's and the hook's decisions (the gate's own
	// history, kept beside the report history) and recognises rollbacks from it.
	Decisions *DecisionLog
	// Limits bound concurrent gate evaluations and how long one may take.
	Limits Limits
	// Shard is the part of the fleet this replica owns (the zero Shard: all of it). Jobs
	// should return only its clusters; a gate request for another's is forwarded to Peers.
	Shard fleet.Shard
	// Peers reach the replicas that own the other shards; nil forwards nothing (a gate
	// request for another shard's cluster is refused with the reason).
	Peers *Peers
}

// Server holds the state and serves it.
type Server struct {
	cfg       Config
	limits    Limits
	slots     *limiter // gate evaluations
	state     atomic.Pointer[State]
	observers []Observer
}

// New creates a server; nothing runs until Run.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	l := cfg.Limits.withDefaults()
	return &Server{cfg: cfg, limits: l, slots: newLimiter(l.Concurrency, l.Queue)}
}

// AddObserver registers an observer of finished audits (before Run).
func (s *Server) AddObserver(o Observer) { s.observers = append(s.observers, o) }

// State returns the last finished audit, or nil before the first.
func (s *Server) State() *State { return s.state.Load() }

// AuditOnce runs one audit and publishes it.
func (s *Server) AuditOnce(ctx context.Context) error {
	start := s.cfg.Now()
	jobs, err := s.cfg.Jobs()
	if err != nil {
		return fmt.Errorf("resolve fleet: %w", err)
	}
	st := &State{Facts: map[string]*facts.Cluster{}}
	keep := make(chan *facts.Cluster, len(jobs))
	audit, err := fleet.Run(ctx, jobs, s.cfg.Engine, s.cfg.Options, func(c *facts.Cluster) error { keep <- c; return nil })
	close(keep)
	if err != nil {
		return err
	}
	for c := range keep {
		st.Facts[c.Name] = c
	}
	st.Audit, st.Finished, st.Duration = audit, s.cfg.Now(), s.cfg.Now().Sub(start)
	for _, p := range latestProfiles(s.cfg.Profiles) {
		for _, r := range audit.Clusters {
			if p.Targets(r.Cluster) {
				d := fleet.Gate(ctx, s.cfg.Engine, s.cfg.Options, r.Cluster, st.Facts[r.Cluster], p, st.Finished)
				d.Explain = nil
				st.Decisions = append(st.Decisions, d)
			}
		}
	}
	s.state.Store(st)
	for _, o := range s.observers {
		o.Observe(st)
	}
	failed := 0
	for _, r := range audit.Clusters {
		if r.Status != facts.StatusOK {
			failed++
		}
	}
	s.cfg.Log.Info("audit finished", "clusters", len(audit.Clusters), "incomplete", failed, "duration", st.Duration.Round(time.Millisecond))
	return nil
}

// Run audits now and then every Interval (plus jitter) until ctx ends.
func (s *Server) Run(ctx context.Context) {
	for {
		if err := s.AuditOnce(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("audit failed", "err", err)
		}
		wait := s.cfg.Interval
		if s.cfg.Jitter > 0 {
			wait += time.Duration(rand.Float64() * s.cfg.Jitter * float64(wait))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// profileFor picks a configured profile: "name" is its newest version, "name@version" that
// one, "" the newest version of the only profile configured.
func (s *Server) profileFor(name string) (*profile.Profile, error) {
	latest := latestProfiles(s.cfg.Profiles)
	if name == "" {
		if len(latest) == 1 {
			return latest[0], nil
		}
		return nil, fmt.Errorf("name a profile: %d are configured", len(latest))
	}
	p, err := binding.Resolve(name, s.cfg.Profiles)
	if err != nil {
		return nil, fmt.Errorf("no profile %q is configured", name)
	}
	return p, nil
}

// latestProfiles is the newest version of each profile name, by name.
func latestProfiles(ps []*profile.Profile) []*profile.Profile {
	byName := map[string]*profile.Profile{}
	for _, p := range ps {
		if cur := byName[p.Metadata.Name]; cur == nil || profile.CompareVersions(p.Spec.Version, cur.Spec.Version) > 0 {
			byName[p.Metadata.Name] = p
		}
	}
	out := make([]*profile.Profile, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[name])
	}
	return out
}

// boundMove is what the operator's bindings say about an admitted Cluster object.
type boundMove struct {
	cluster   string           // the fleet cluster the object is
	profile   *profile.Profile // its bound profile, with overrides applied
	overrides []string         // the overrides applied, with their reasons
}

// bound resolves an admitted Cluster object through the bindings: which fleet cluster it is
// and which profile holds it. Nothing the object says about itself decides either: an
// annotation that names another cluster or profile than its binding is an error, so the
// caller learns that it cannot choose.
func (s *Server) bound(ns, name string, annotations map[string]string, target string) (boundMove, error) {
	cluster, err := s.cfg.Bindings.ClusterFor(ns, name)
	if err != nil {
		return boundMove{}, err
	}
	if a := annotations[ClusterAnnotation]; a != "" && a != cluster {
		return boundMove{}, fmt.Errorf("the Cluster %s/%s says it is %s (annotation %s) but is bound to %s: the gate judges it as %s; remove the annotation",
			ns, name, a, ClusterAnnotation, cluster, cluster)
	}
	b, err := s.cfg.Bindings.ProfileFor(cluster)
	if err != nil {
		return boundMove{}, err
	}
	p, err := profileForMove(b.Profile, s.cfg.Profiles, target)
	if err != nil {
		return boundMove{}, fmt.Errorf("%s: %w", cluster, err)
	}
	if a := annotations[ProfileAnnotation]; a != "" && a != p.Metadata.Name && a != p.ID() {
		return boundMove{}, fmt.Errorf("the Cluster %s/%s asks for profile %s (annotation %s) but %s is bound to %s: an object cannot choose its profile; remove the annotation or change the bindings",
			ns, name, a, ProfileAnnotation, cluster, p.ID())
	}
	p, lines := binding.Apply(p, b.Overrides)
	return boundMove{cluster: cluster, profile: p, overrides: lines}, nil
}

// profileForMove is the version of the bound profile ref that judges a move to target: the
// pinned version, which must be for the target's minor, or else the newest catalog version
// for that minor (its layers and requirements are the ones the cluster will run under). An
// empty target (a change of worker versions, judged against the running control plane) takes
// the pinned or newest version.
func profileForMove(ref string, profiles []*profile.Profile, target string) (*profile.Profile, error) {
	if target == "" {
		return binding.Resolve(ref, profiles)
	}
	to, err := policy.ParseRelease(target)
	if err != nil {
		return nil, fmt.Errorf("target %w", err)
	}
	minorOf := func(p *profile.Profile) int {
		v, err := facts.ParseVersion(p.Spec.KubernetesVersion)
		if err != nil {
			return -1
		}
		return v.Minor
	}
	if _, _, pinned := strings.Cut(ref, "@"); pinned {
		p, err := binding.Resolve(ref, profiles)
		if err != nil {
			return nil, err
		}
		if minorOf(p) != to.Minor {
			return nil, fmt.Errorf("it is pinned to %s (Kubernetes %s), so a move to %s needs the binding changed first", p.ID(), p.Spec.KubernetesVersion, target)
		}
		return p, nil
	}
	var best *profile.Profile
	for _, p := range profiles {
		if p.Metadata.Name == ref && minorOf(p) == to.Minor && (best == nil || profile.CompareVersions(p.Spec.Version, best.Spec.Version) > 0) {
			best = p
		}
	}
	if best == nil {
		if _, err := binding.Resolve(ref, profiles); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("no version of its profile %s is for Kubernetes 1.%d: add one to the catalog before moving there", ref, to.Minor)
	}
	return best, nil
}

// decideBound answers the gate for an admitted object's move to target, notes a rollback
// the decision history recognises, and records the decision (source: webhook or hook;
// object: what was admitted; an empty source, for dry runs, records nothing). It evaluates
// in one of the limited slots, under ctx: the error is errBusy, or ctx's when the request
// ran out of time or its caller left — no decision then, and nothing recorded.
func (s *Server) decideBound(ctx context.Context, m boundMove, target, source, object string) (policy.Decision, error) {
	release, err := s.slots.acquire(ctx)
	if err != nil {
		return policy.Decision{}, err
	}
	d := s.decide(ctx, m.cluster, m.profile.WithTarget(target))
	release()
	if err := ctx.Err(); err != nil {
		return policy.Decision{}, err // the rules were cut short: not the gate's answer
	}
	d.Overrides = m.overrides
	var running *facts.Version
	if st := s.State(); st != nil && st.Facts[m.cluster] != nil {
		running = st.Facts[m.cluster].Version
	}
	if note := s.cfg.Decisions.rollbackNote(m.cluster, running, target); note != "" {
		d.Warnings = append([]string{note}, d.Warnings...)
	}
	if source == "" {
		return d, nil // a dry run changes nothing: not part of the history
	}
	if anonymous(ctx) {
		s.cfg.Log.Debug("gate decision not recorded: asked on the unauthenticated hook listener", "cluster", m.cluster)
		return d, nil
	}
	if c, known := CallerFrom(ctx); s.cfg.Decisions != nil && !s.cfg.Decisions.writes(c, known) {
		s.cfg.Log.Debug("gate decision not recorded: the caller is no history writer", "cluster", m.cluster, "caller", c.Name)
		return d, nil
	}
	err = s.cfg.Decisions.Record(DecisionRecord{Time: s.cfg.Now(), Cluster: m.cluster, Object: object, Source: source,
		Profile: d.Profile, Target: target, Allowed: d.Allowed, Reasons: d.Reasons})
	if err != nil {
		s.cfg.Log.Error("record gate decision", "cluster", m.cluster, "err", err)
	}
	return d, nil
}

// decide answers the gate for one cluster from the last audit (nil facts fail closed).
func (s *Server) decide(ctx context.Context, cluster string, p *profile.Profile) policy.Decision {
	var c *facts.Cluster
	if st := s.State(); st != nil {
		c = st.Facts[cluster]
	}
	return fleet.Gate(ctx, s.cfg.Engine, s.cfg.Options, cluster, c, p, s.cfg.Now())
}

// Handler serves health, readiness and (when mux is given more) other plain-HTTP endpoints.
func (s *Server) Handler(extra map[string]http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if s.State() == nil {
			http.Error(w, "no audit has finished yet", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	for _, p := range slices.Sorted(mapKeys(extra)) {
		mux.Handle(p, extra[p])
	}
	return mux
}

// GateHandler serves the gate endpoints: /v1/gate, the Cluster API runtime extension and the
// admission webhook, behind Config.Callers when set, with bodies of at most MaxBodyBytes.
// Serve it over TLS, with GateTimeouts.
func (s *Server) GateHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/gate", s.serveGate)
	mux.HandleFunc("POST "+hooksPrefix+"/discovery", s.serveDiscovery)
	mux.HandleFunc("POST "+hooksPrefix+"/beforeclusterupgrade/"+HandlerName, s.serveBeforeClusterUpgrade)
	mux.HandleFunc("POST /validate/clusters", s.serveAdmission)
	var h http.Handler = mux
	if s.cfg.Callers != nil {
		h = s.cfg.Callers.Wrap(mux)
	}
	return limitBodies(s.markShard(h))
}

// markShard names the answering replica's shard on every answer of a sharded serve, and
// records no decision for a request marked NoRecordHeader (forwarded by a peer that would
// not have recorded it).
func (s *Server) markShard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cfg.Shard.Whole() {
			w.Header().Set(ShardHeader, s.cfg.Shard.String())
		}
		if r.Header.Get(NoRecordHeader) != "" {
			r = r.WithContext(context.WithValue(r.Context(), anonymousKey{}, true))
		}
		next.ServeHTTP(w, r)
	})
}

// HookHandler serves only the Cluster API runtime hook (discovery and BeforeClusterUpgrade)
// to callers that cannot authenticate: Cluster API's controller calls runtime extensions
// with the ExtensionConfig's CA bundle and no client credentials. It is meant for its own
// listener (serve --hook-listen), reachable only from the Cluster API controller (a
// NetworkPolicy; the chart renders one). What such a caller can do is bounded: it asks
// about a Cluster the bindings know, the answer comes from the operator's bindings and the
// last audit like every answer, the limiter and body limit apply, and its decisions are
// never written to the decision history (no unauthenticated caller can shape the rollback
// record). /v1/gate and the admission webhook are not served here.
func (s *Server) HookHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+hooksPrefix+"/discovery", s.serveDiscovery)
	mux.HandleFunc("POST "+hooksPrefix+"/beforeclusterupgrade/"+HandlerName, s.serveBeforeClusterUpgrade)
	return limitBodies(s.markShard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), anonymousKey{}, true)))
	})))
}

type anonymousKey struct{}

// anonymous reports whether a request came in on the unauthenticated hook listener.
func anonymous(ctx context.Context) bool { v, _ := ctx.Value(anonymousKey{}).(bool); return v }

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
