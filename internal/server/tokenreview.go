package server

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"time"

	"golang.org/x/sync/singleflight"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/cache"
	authnv1client "k8s.io/client-go/kubernetes/typed/authentication/v1"
)

// TokenReviewer authenticates bearer tokens with TokenReviews (authentication.k8s.io/v1) in
// one cluster. Answers are cached by the token's SHA-256 (accepted for PositiveTTL, refused for
// NegativeTTL, at most CacheSize tokens), identical concurrent reviews are made once, and at
// most MaxInFlight reviews run at a time, so a flood of requests is not a flood of
// TokenReviews. A failed review refuses the token and is not cached.
type TokenReviewer struct {
	Client      authnv1client.TokenReviewInterface
	Audiences   []string // when set, the token must be valid for one of them
	PositiveTTL time.Duration
	NegativeTTL time.Duration
	Timeout     time.Duration // of one review

	cache    *cache.LRUExpireCache
	flight   singleflight.Group
	inFlight chan struct{}
}

// NewTokenReviewer returns a reviewer with the default limits: answers cached 30 s (accepted)
// and 5 s (refused), 4096 tokens, 8 reviews in flight, 10 s per review.
func NewTokenReviewer(client authnv1client.TokenReviewInterface, audiences []string) *TokenReviewer {
	return &TokenReviewer{
		Client: client, Audiences: audiences,
		PositiveTTL: 30 * time.Second, NegativeTTL: 5 * time.Second, Timeout: 10 * time.Second,
		cache: cache.NewLRUExpireCache(4096), inFlight: make(chan struct{}, 8),
	}
}

type reviewAnswer struct {
	caller Caller
	err    error
}

// AuthenticateToken implements TokenAuthenticator.
func (t *TokenReviewer) AuthenticateToken(ctx context.Context, token string) (Caller, error) {
	sum := sha256.Sum256([]byte(token))
	key := string(sum[:])
	if v, ok := t.cache.Get(key); ok {
		a := v.(reviewAnswer)
		return a.caller, a.err
	}
	v, err, _ := t.flight.Do(key, func() (any, error) {
		// Shared by every waiting request: not cancelled when the first of them goes away.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.Timeout)
		defer cancel()
		select {
		case t.inFlight <- struct{}{}:
			defer func() { <-t.inFlight }()
		case <-rctx.Done():
			return nil, reviewError{errors.New("too many reviews in flight")}
		}
		a, err := t.review(rctx, token)
		if err != nil {
			return nil, err // fail closed, and ask again next time
		}
		ttl := t.PositiveTTL
		if a.err != nil {
			ttl = t.NegativeTTL
		}
		t.cache.Add(key, a, ttl)
		return a, nil
	})
	if err != nil {
		return Caller{}, err
	}
	a := v.(reviewAnswer)
	return a.caller, a.err
}

// review asks the cluster; the error is a failed review, answer.err a refused token.
func (t *TokenReviewer) review(ctx context.Context, token string) (reviewAnswer, error) {
	tr, err := t.Client.Create(ctx, &authnv1.TokenReview{Spec: authnv1.TokenReviewSpec{Token: token, Audiences: t.Audiences}}, metav1.CreateOptions{})
	if err != nil {
		return reviewAnswer{}, reviewError{err}
	}
	st := tr.Status
	switch {
	case !st.Authenticated: // st.Error is not passed on: it is the cluster's business
		return reviewAnswer{err: errors.New("token not authenticated")}, nil
	case st.User.Username == "":
		return reviewAnswer{err: errors.New("token authenticated without a username")}, nil
	case len(t.Audiences) > 0 && !slices.ContainsFunc(st.Audiences, func(a string) bool { return slices.Contains(t.Audiences, a) }):
		return reviewAnswer{err: errors.New("token not valid for the gate's audiences")}, nil
	}
	return reviewAnswer{caller: Caller{Name: st.User.Username, Groups: st.User.Groups}}, nil
}

// reviewError is a review that failed (the cluster did not answer, or refused to review): the
// caller learns only that, the log gets the cause (which names the request, never the token:
// that is only in the request body).
type reviewError struct{ err error }

func (e reviewError) Error() string { return "token review failed" }
func (e reviewError) Unwrap() error { return e.err }
