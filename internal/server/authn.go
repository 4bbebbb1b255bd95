package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
)

// Caller is an authenticated client of the gate endpoints.
type Caller struct {
	// Name is the client certificate's subject common name, or the token's username (for a
	// ServiceAccount "system:serviceaccount:NAMESPACE:NAME").
	Name string
	// Groups are the certificate's subject organizations, or the token's groups.
	Groups []string
	// Via is "certificate" or "token".
	Via string
}

// TokenAuthenticator checks a bearer token. An error means "not authenticated"; its text is
// a reason for logs and answers, so it must never contain the token.
type TokenAuthenticator interface {
	AuthenticateToken(ctx context.Context, token string) (Caller, error)
}

// CallerAuth lets only authenticated (and, with Allow, authorized) callers reach the gate
// endpoints. A caller is authenticated by a client certificate that verified at the TLS
// handshake against the configured CA, or by a bearer token that Tokens accepts.
type CallerAuth struct {
	// Certificates accepts verified client certificates (the listener's TLS configuration
	// must request and verify them; see Certs.TLSConfig).
	Certificates bool
	// Tokens checks bearer tokens; nil refuses them.
	Tokens TokenAuthenticator
	// Allow lists the subjects that may call: a caller is allowed when its Name or one of its
	// Groups is listed. Empty allows every authenticated caller.
	Allow []string
	Log   *slog.Logger
}

type callerKey struct{}

// CallerFrom returns the caller of a request that passed CallerAuth.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// Wrap serves next to authenticated, allowed callers; others get 401 (not authenticated) or
// 403 (not allowed) with a JSON error body, and one log line without any credential.
func (a *CallerAuth) Wrap(next http.Handler) http.Handler {
	log := a.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := a.authenticate(r)
		if err != nil {
			attrs := []any{"remote", r.RemoteAddr, "path", r.URL.Path, "status", http.StatusUnauthorized, "reason", err.Error()}
			if cause := errors.Unwrap(err); cause != nil {
				attrs = append(attrs, "cause", cause.Error())
			}
			log.Warn("gate caller not authenticated", attrs...)
			if a.Tokens != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="fleetaudit"`)
			}
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthenticated: " + err.Error()})
			return
		}
		if !a.allowed(c) {
			log.Warn("gate caller not allowed", "remote", r.RemoteAddr, "path", r.URL.Path, "status", http.StatusForbidden,
				"caller", c.Name, "groups", c.Groups, "via", c.Via)
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "forbidden: " + c.Name + " may not call the gate"})
			return
		}
		log.Debug("gate caller", "remote", r.RemoteAddr, "path", r.URL.Path, "caller", c.Name, "via", c.Via)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	})
}

// authenticate prefers a verified client certificate, then a bearer token.
func (a *CallerAuth) authenticate(r *http.Request) (Caller, error) {
	if a.Certificates && r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 {
		leaf := r.TLS.VerifiedChains[0][0]
		if leaf.Subject.CommonName == "" {
			return Caller{}, errors.New("client certificate has no subject common name")
		}
		return Caller{Name: leaf.Subject.CommonName, Groups: leaf.Subject.Organization, Via: "certificate"}, nil
	}
	h := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(h, " ")
	switch {
	case h == "" && a.Tokens == nil:
		return Caller{}, errors.New("no client certificate")
	case h == "" && !a.Certificates:
		return Caller{}, errors.New("no bearer token")
	case h == "":
		return Caller{}, errors.New("no client certificate and no bearer token")
	case a.Tokens == nil:
		return Caller{}, errors.New("bearer tokens are not accepted: present a client certificate")
	case !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "":
		return Caller{}, errors.New("authorization header is not a bearer token")
	}
	c, err := a.Tokens.AuthenticateToken(r.Context(), strings.TrimSpace(token))
	if err != nil {
		return Caller{}, err
	}
	c.Via = "token"
	return c, nil
}

func (a *CallerAuth) allowed(c Caller) bool {
	if len(a.Allow) == 0 {
		return true
	}
	return slices.Contains(a.Allow, c.Name) || slices.ContainsFunc(c.Groups, func(g string) bool { return slices.Contains(a.Allow, g) })
}
