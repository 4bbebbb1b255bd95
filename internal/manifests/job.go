package manifests

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/rules"
)

// Options configure the facts built from an input.
type Options struct {
	// KubeVersion is the Kubernetes version the objects are judged for ("v1.33.0"); empty:
	// DefaultKubeVersion().
	KubeVersion string
	// Now stamps the facts; default time.Now.
	Now func() time.Time
	// RemovedAPIs is the removed-API table whose kinds are recorded in upgrade.apiUse; nil:
	// the embedded table.
	RemovedAPIs []rules.RemovedAPI
}

// Kinds are the input kinds: each is also the name of the one collection run of facts
// built from files (facts.CollectorRun.Collector).
var Kinds = []string{KindManifests, KindHelm, KindKustomize}

// Job audits an input as one virtual cluster named in.Path. Its facts are built from the
// input's objects by the live collectors' pure builders; read errors (a missing file,
// invalid YAML, an object without apiVersion or kind) are recorded in the facts' collection
// as a failed run named in.Kind, so the cluster is partial and the other objects are still
// judged. Locate places each finding at the file and line of its object, or of its field.
func Job(in Input, o Options) fleet.Job {
	loc := newLocator()
	return fleet.Job{
		Name: in.Path,
		Facts: func(ctx context.Context, _ fleet.FinalFunc) *facts.Cluster {
			return build(ctx, in, o, loc)
		},
		Locate: loc.Locate,
	}
}

func build(ctx context.Context, in Input, o Options, loc *locator) *facts.Cluster {
	start := time.Now()
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	kv := o.KubeVersion
	if kv == "" {
		kv = DefaultKubeVersion()
	}
	c := &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: in.Path, CollectedAt: now().UTC().Truncate(time.Second),
		Nodes: []facts.Node{}, Source: &facts.Source{Kind: in.Kind, Path: in.Path, KubeVersion: kv}}
	var errs []error
	v, err := ParseKubeVersion(kv)
	if err != nil {
		errs = append(errs, err)
	}
	c.Version = v

	docs, err := in.Read(ctx)
	errs = append(errs, err)
	var objs []object
	for i := range docs {
		got, err := parseDocument(&docs[i])
		objs = append(objs, got...)
		errs = append(errs, err)
	}
	removed := o.RemovedAPIs
	if removed == nil {
		removed, err = rules.RemovedAPIs()
		errs = append(errs, err)
	}
	b := newBuilder(removed)
	seen := map[objectKey]*object{}
	for i := range objs {
		ob := &objs[i]
		ns := namespaceOf(ob)
		key := objectKey{ob.gvk.Kind, ns, ob.name}
		if prev := seen[key]; prev != nil && ob.name != "" {
			errs = append(errs, fmt.Errorf("%s:%d: %s %s is also defined at %s:%d: when applied, the later replaces the earlier; keep one",
				ob.doc.File, ob.line, ob.gvk.Kind, nsName(ns, ob.name), prev.doc.File, prev.line))
		}
		seen[key] = ob
		loc.add(ob, ns)
		b.apiUse(ob, ns)
		typed, err := decodeTyped(ob)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.add(typed)
		ob.json = nil // the typed object holds what is needed
	}
	c.Source.Objects = len(objs)
	b.finish(c)

	run := facts.CollectorRun{Collector: in.Kind, DurationSeconds: time.Since(start).Seconds()}
	if err := errors.Join(errs...); err != nil {
		run.Error, run.Reason = err.Error(), collectors.ReasonError
	}
	c.Collection = []facts.CollectorRun{run}
	return c
}

func nsName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// builder gathers the typed objects, keeping only the last of each kind, namespace and name.
type builder struct {
	wl      collectors.WorkloadObjects
	rbac    collectors.RBACObjects
	pdbs    []*policyv1.PodDisruptionBudget
	use     []facts.APIUse
	removed map[schema.GroupKind]bool
}

func newBuilder(table []rules.RemovedAPI) *builder {
	b := &builder{removed: map[schema.GroupKind]bool{}}
	for _, r := range table {
		for _, k := range r.Kinds {
			b.removed[schema.GroupKind{Group: r.Group, Kind: k}] = true
		}
	}
	return b
}

// apiUse records the version an object of a kind of the removed-API table is written with:
// applying the file writes it so.
func (b *builder) apiUse(o *object, ns string) {
	if !b.removed[o.gvk.GroupKind()] {
		return
	}
	b.use = append(b.use, facts.APIUse{Group: o.gvk.Group, Version: o.gvk.Version, Kind: o.gvk.Kind,
		Namespace: ns, Name: o.name, Source: fmt.Sprintf("file:%s:%d", o.doc.File, o.line)})
}

// add files a typed object under its kind; a later object of the same kind, namespace and
// name replaces an earlier one, as applying them in order would.
func (b *builder) add(obj any) {
	switch x := obj.(type) {
	case *corev1.Pod:
		defaultHostNetworkPorts(&x.Spec)
		b.wl.Pods = upsert(b.wl.Pods, x)
		b.rbac.Pods = upsert(b.rbac.Pods, x)
	case *corev1.Namespace:
		b.wl.Namespaces = upsert(b.wl.Namespaces, x)
	case *corev1.ServiceAccount:
		b.wl.ServiceAccounts = upsert(b.wl.ServiceAccounts, x)
		b.rbac.ServiceAccounts = upsert(b.rbac.ServiceAccounts, x)
	case *appsv1.Deployment:
		b.wl.Deployments = upsert(b.wl.Deployments, x)
	case *appsv1.StatefulSet:
		b.wl.StatefulSets = upsert(b.wl.StatefulSets, x)
	case *appsv1.DaemonSet:
		b.wl.DaemonSets = upsert(b.wl.DaemonSets, x)
	case *appsv1.ReplicaSet:
		b.wl.ReplicaSets = upsert(b.wl.ReplicaSets, x)
	case *batchv1.Job:
		b.wl.Jobs = upsert(b.wl.Jobs, x)
	case *batchv1.CronJob:
		b.wl.CronJobs = upsert(b.wl.CronJobs, x)
	case *networkingv1.NetworkPolicy:
		b.wl.NetworkPolicies = upsert(b.wl.NetworkPolicies, x)
	case *policyv1.PodDisruptionBudget:
		b.pdbs = upsert(b.pdbs, x)
	case *rbacv1.ClusterRole:
		b.rbac.ClusterRoles = upsert(b.rbac.ClusterRoles, x)
	case *rbacv1.Role:
		b.rbac.Roles = upsert(b.rbac.Roles, x)
	case *rbacv1.ClusterRoleBinding:
		b.rbac.ClusterRoleBindings = upsert(b.rbac.ClusterRoleBindings, x)
	case *rbacv1.RoleBinding:
		b.rbac.RoleBindings = upsert(b.rbac.RoleBindings, x)
	}
}

// named is what upsert needs of a typed object.
type named interface {
	GetNamespace() string
	GetName() string
}

// upsert appends x, or replaces the element with its namespace and name.
func upsert[T named](list []T, x T) []T {
	for i, e := range list {
		if e.GetNamespace() == x.GetNamespace() && e.GetName() == x.GetName() {
			list[i] = x
			return list
		}
	}
	return append(list, x)
}

// defaultHostNetworkPorts mirrors the API server's defaulting of a Pod on the host
// network: a container port without hostPort gets hostPort = containerPort. (Pod templates
// are not defaulted so since Kubernetes 1.28, gate DefaultHostNetworkHostPortsInPodTemplates.)
func defaultHostNetworkPorts(spec *corev1.PodSpec) {
	if !spec.HostNetwork {
		return
	}
	for _, cs := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range cs {
			for j := range cs[i].Ports {
				if p := &cs[i].Ports[j]; p.HostPort == 0 {
					p.HostPort = p.ContainerPort
				}
			}
		}
	}
}

// finish writes the facts the live workloads, rbac and upgrade collectors would.
func (b *builder) finish(c *facts.Cluster) {
	c.Workloads = collectors.BuildWorkloads(b.wl)
	c.RBAC = collectors.BuildRBAC(b.rbac)
	u := &facts.Upgrade{APIServers: []facts.APIServer{}, PDBs: make([]facts.PDB, 0, len(b.pdbs)), APIUse: b.use}
	for _, p := range b.pdbs {
		u.PDBs = append(u.PDBs, collectors.PDBFacts(p))
	}
	u.Workloads, u.Charts, u.Images = collectors.UpgradeWorkloads(b.wl.Deployments, b.wl.StatefulSets, b.wl.DaemonSets)
	if u.APIUse == nil {
		u.APIUse = []facts.APIUse{}
	}
	slices.SortFunc(u.APIUse, func(a, b facts.APIUse) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Source, b.Source))
	})
	c.Upgrade = u
}
