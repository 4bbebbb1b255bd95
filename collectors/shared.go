package collectors

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// shared caches the LISTs that more than one collector reads, for the duration of one
// cluster's collection (collectors of a cluster run one after the other).
type shared struct {
	mu      sync.Mutex
	futures map[string]*future

	pods    []*corev1.Pod
	podsErr error
	podsOK  bool
	// podUsage is the usage collector's per-pod usage ("NS/POD"), for the cost collector;
	// nil when usage is unavailable.
	podUsage map[string]facts.Resources
	// deprecated is the upgrade collector's read of /metrics, started early (Upgrade.Start).
	deprecated *deprecatedFuture
	// listed holds the metadata of objects other collectors already listed, by group/kind
	// and the version they were listed as, so the API-version scan does not list them again.
	listed map[schema.GroupKind]listedMeta
}

type listedMeta struct {
	version schema.GroupVersion
	objects []*metav1.PartialObjectMetadata
}

// remember records listed objects' metadata (annotations and managedFields only).
func (t Target) remember(gv schema.GroupVersion, kind string, metas []metav1.ObjectMeta) {
	if t.shared == nil {
		return
	}
	if t.shared.listed == nil {
		t.shared.listed = map[schema.GroupKind]listedMeta{}
	}
	objs := make([]*metav1.PartialObjectMetadata, 0, len(metas))
	for _, m := range metas {
		if m.Annotations[corev1.LastAppliedConfigAnnotation] == "" && len(m.ManagedFields) == 0 {
			continue
		}
		objs = append(objs, &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace,
			Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: m.Annotations[corev1.LastAppliedConfigAnnotation]}, ManagedFields: m.ManagedFields}})
	}
	t.shared.listed[schema.GroupKind{Group: gv.Group, Kind: kind}] = listedMeta{version: gv, objects: objs}
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
	s.podsErr = each(ctx, t, "pods", func(p *corev1.Pod) {
		if p.Status.Phase == corev1.PodRunning || p.Status.Phase == corev1.PodPending || p.Status.Phase == "" {
			pods = append(pods, p)
		}
	})
	s.pods, s.podsOK = pods, true
	return s.pods, s.podsErr
}

func (t Target) sharedListed(group, kind string) (listedMeta, bool) {
	if t.shared == nil {
		return listedMeta{}, false
	}
	m, ok := t.shared.listed[schema.GroupKind{Group: group, Kind: kind}]
	return m, ok
}
