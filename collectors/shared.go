package collectors

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// shared caches the LISTs that more than one collector reads, for the duration of one
// cluster's collection (collectors of a cluster run one after the other).
type shared struct {
	pods    []*corev1.Pod
	podsErr error
	podsOK  bool
	// podUsage is the usage collector's per-pod usage ("NS/POD"), for the cost collector;
	// nil when usage is unavailable.
	podUsage map[string]facts.Resources
}

// Pods lists the cluster's Running and Pending pods once and returns the same slice to every
// collector that asks. Finished pods are dropped as they stream in, so they cost no memory.
func (t Target) Pods(ctx context.Context) ([]*corev1.Pod, error) {
	s := t.shared
	if s == nil {
		s = &shared{}
	}
	if s.podsOK {
		return s.pods, s.podsErr
	}
	var pods []*corev1.Pod
	s.podsErr = listEach(ctx, t, "pods",
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.CoreV1().Pods("").List(ctx, o)
		},
		func() { pods = pods[:0] },
		func(p *corev1.Pod) {
			if p.Status.Phase == corev1.PodRunning || p.Status.Phase == corev1.PodPending || p.Status.Phase == "" {
				pods = append(pods, p)
			}
		})
	s.pods, s.podsOK = pods, true
	return s.pods, s.podsErr
}
