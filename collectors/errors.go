package collectors

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Reasons a collector can fail for, as recorded in facts.CollectorRun.Reason.
const (
	ReasonUnreachable = "unreachable"
	// ReasonCredentials: the kubeconfig's credentials could not be obtained (an exec
	// credential plugin failed or is missing), before any request reached the cluster.
	ReasonCredentials  = "credentials"
	ReasonTimeout      = "timeout"
	ReasonUnauthorized = "unauthorized"
	ReasonForbidden    = "forbidden"
	ReasonError        = "error"
)

// Classify names the kind of failure err is, so users see "unauthorized" rather than a
// transport error chain. ctx is the collection context; its deadline counts as a timeout.
func Classify(ctx context.Context, err error) string {
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case strings.Contains(err.Error(), "getting credentials:"): // client-go's exec plugin error, not typed
		return ReasonCredentials
	case apierrors.IsUnauthorized(err):
		return ReasonUnauthorized
	case apierrors.IsForbidden(err):
		return ReasonForbidden
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil, apierrors.IsTimeout(err),
		errors.As(err, &netErr) && netErr.Timeout():
		return ReasonTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.As(err, &urlErr):
		return ReasonUnreachable
	}
	return ReasonError
}
