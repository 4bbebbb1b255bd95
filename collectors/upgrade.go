package collectors

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	appsv1 "k8s.io/api/apps/v1"
	coordv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
	"github.com/fleetaudit/fleetaudit/rules"
)

// UpgradeConfig configures the upgrade collector.
type UpgradeConfig struct {
	// RemovedAPIs lists the kinds whose objects are scanned for writes with old versions.
	RemovedAPIs []rules.RemovedAPI
	// HelmReleases enables reading Helm release Secrets (label owner=helm). Off by default:
	// it needs list on Secrets. Only chart metadata and the manifests' apiVersion/kind are
	// kept; nothing else of the Secret is stored.
	HelmReleases bool
}

// removedSet indexes the table by group, version and kind.
func (c UpgradeConfig) removedSet() map[[3]string]bool {
	out := map[[3]string]bool{}
	for _, r := range c.RemovedAPIs {
		for _, k := range r.Kinds {
			out[[3]string{r.Group, r.Version, k}] = true
		}
	}
	return out
}

// Upgrade collects what upgrade readiness needs: API server instances, PDBs, replica counts,
// Helm releases, and evidence of old API versions in use.
type Upgrade struct{ Config UpgradeConfig }

// Name implements Collector.
func (Upgrade) Name() string { return "upgrade" }

// Writes implements Writer.
func (Upgrade) Writes() []string { return []string{"upgrade"} }

// Needs implements Needer.
func (Upgrade) Needs() []string {
	return []string{"apiserver-leases", "poddisruptionbudgets", "deployments", "statefulsets", "daemonsets", "customresourcedefinitions"}
}

// Start implements Starter: the API server's /metrics (megabytes of text) depends on nothing
// else, so it is read while the LISTs run.
func (Upgrade) Start(ctx context.Context, t Target) {
	f := &deprecatedFuture{done: make(chan struct{})}
	t.shared.deprecated = f
	go func() {
		defer close(f.done)
		f.apis, f.ok = requestedDeprecatedAPIs(ctx, t)
	}()
}

type deprecatedFuture struct {
	done chan struct{}
	apis []facts.RequestedAPI
	ok   bool
}

// deprecatedAPIs is requestedDeprecatedAPIs, started by Start when Run ran it.
func (t Target) deprecatedAPIs(ctx context.Context) ([]facts.RequestedAPI, bool) {
	if t.shared == nil || t.shared.deprecated == nil {
		return requestedDeprecatedAPIs(ctx, t)
	}
	select {
	case <-t.shared.deprecated.done:
		return t.shared.deprecated.apis, t.shared.deprecated.ok
	case <-ctx.Done():
		return nil, false
	}
}

// Collect implements Collector.
func (x Upgrade) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	u := &facts.Upgrade{APIServers: []facts.APIServer{}, PDBs: []facts.PDB{}, Workloads: []facts.ReplicaWorkload{}, APIUse: []facts.APIUse{}, CRDs: []facts.CRD{}}
	charts, images := chartSet{}, imageSet{}
	var statefulSets []facts.ReplicaWorkload
	var ms []metav1.ObjectMeta
	steps := []error{
		x.apiServers(ctx, t, u),
		each(ctx, t, "poddisruptionbudgets", func(p *policyv1.PodDisruptionBudget) {
			u.PDBs = append(u.PDBs, PDBFacts(p))
			ms = append(ms, p.ObjectMeta)
		}),
		each(ctx, t, "deployments", func(d *appsv1.Deployment) {
			u.Workloads = append(u.Workloads, facts.ReplicaWorkload{Namespace: d.Namespace, Kind: "Deployment", Name: d.Name,
				Replicas: replicas(d.Spec.Replicas), ReadyReplicas: d.Status.ReadyReplicas})
			charts.add(d.ObjectMeta)
			images.add(d.Namespace, "Deployment", d.Name, d.Spec.Template.Spec)
		}),
		each(ctx, t, "statefulsets", func(s *appsv1.StatefulSet) {
			statefulSets = append(statefulSets, facts.ReplicaWorkload{Namespace: s.Namespace, Kind: "StatefulSet", Name: s.Name,
				Replicas: replicas(s.Spec.Replicas), ReadyReplicas: s.Status.ReadyReplicas})
			charts.add(s.ObjectMeta)
			images.add(s.Namespace, "StatefulSet", s.Name, s.Spec.Template.Spec)
		}),
		each(ctx, t, "daemonsets", func(d *appsv1.DaemonSet) {
			charts.add(d.ObjectMeta)
			images.add(d.Namespace, "DaemonSet", d.Name, d.Spec.Template.Spec)
		}),
		each(ctx, t, "customresourcedefinitions", func(d *apiextv1.CustomResourceDefinition) {
			u.CRDs = append(u.CRDs, CRDFacts(d))
		}),
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	t.remember(policyv1.SchemeGroupVersion, "PodDisruptionBudget", ms)
	// The deprecated-API metric and the scan of written API versions are independent requests.
	err := parallel(
		func() error {
			u.RequestedDeprecatedAPIs, u.DeprecatedMetricReadable = t.deprecatedAPIs(ctx)
			return nil
		},
		func() error { return x.apiUse(ctx, t, u) },
	)
	if err != nil {
		return err
	}
	var skipped error // releases that could not be read: recorded, the rest is kept
	if x.Config.HelmReleases {
		if skipped, err = helmReleases(ctx, t, u, x.Config.removedSet()); err != nil {
			return err
		}
	}
	u.Charts, u.Images = charts.list(), images.list()
	sortCRDs(u.CRDs)
	u.Workloads = append(u.Workloads, statefulSets...)
	if u.Workloads == nil {
		u.Workloads = []facts.ReplicaWorkload{}
	}
	slices.SortFunc(u.Workloads, func(a, b facts.ReplicaWorkload) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(u.APIUse, func(a, b facts.APIUse) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Source, b.Source))
	})
	c.Upgrade = u
	return skipped
}

func replicas(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}

// UpgradeWorkloads computes, from Deployments, StatefulSets and DaemonSets, the parts of the
// upgrade facts that Collect derives from them as they are listed: replica counts (Deployments
// then StatefulSets, sorted by namespace, kind and name), the Helm charts their labels name and
// the images they run. Facts built from files (internal/manifests) use it.
func UpgradeWorkloads(ds []*appsv1.Deployment, ss []*appsv1.StatefulSet, dss []*appsv1.DaemonSet) (ws []facts.ReplicaWorkload, charts []facts.InstalledChart, images []facts.InstalledImage) {
	cs, is := chartSet{}, imageSet{}
	ws = make([]facts.ReplicaWorkload, 0, len(ds)+len(ss))
	for _, d := range ds {
		ws = append(ws, facts.ReplicaWorkload{Namespace: d.Namespace, Kind: "Deployment", Name: d.Name,
			Replicas: replicas(d.Spec.Replicas), ReadyReplicas: d.Status.ReadyReplicas})
		cs.add(d.ObjectMeta)
		is.add(d.Namespace, "Deployment", d.Name, d.Spec.Template.Spec)
	}
	for _, s := range ss {
		ws = append(ws, facts.ReplicaWorkload{Namespace: s.Namespace, Kind: "StatefulSet", Name: s.Name,
			Replicas: replicas(s.Spec.Replicas), ReadyReplicas: s.Status.ReadyReplicas})
		cs.add(s.ObjectMeta)
		is.add(s.Namespace, "StatefulSet", s.Name, s.Spec.Template.Spec)
	}
	for _, d := range dss {
		cs.add(d.ObjectMeta)
		is.add(d.Namespace, "DaemonSet", d.Name, d.Spec.Template.Spec)
	}
	slices.SortFunc(ws, func(a, b facts.ReplicaWorkload) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	return ws, cs.list(), is.list()
}

// PDBFacts converts a PodDisruptionBudget.
func PDBFacts(p *policyv1.PodDisruptionBudget) facts.PDB {
	return facts.PDB{Namespace: p.Namespace, Name: p.Name, DisruptionsAllowed: p.Status.DisruptionsAllowed,
		CurrentHealthy: p.Status.CurrentHealthy, DesiredHealthy: p.Status.DesiredHealthy, ExpectedPods: p.Status.ExpectedPods}
}

// apiServers lists the API server identity leases. Leases carry no version, so with several
// instances the /version answers seen over a few requests are recorded too: behind a load
// balancer they reach different instances.
func (Upgrade) apiServers(ctx context.Context, t Target, u *facts.Upgrade) error {
	err := each(ctx, t, "apiserver-leases", func(l *coordv1.Lease) {
		u.APIServers = append(u.APIServers, facts.APIServer{ID: l.Name, Hostname: l.Labels["kubernetes.io/hostname"]})
	})
	if err != nil {
		return err
	}
	slices.SortFunc(u.APIServers, func(a, b facts.APIServer) int { return cmp.Compare(a.ID, b.ID) })
	if len(u.APIServers) > 1 {
		seen := map[string]bool{}
		for range 3 * len(u.APIServers) {
			if info, err := t.Client.Discovery().ServerVersion(); err == nil {
				seen[info.GitVersion] = true
			}
		}
		for i, v := range slices.Sorted(maps.Keys(seen)) {
			if i < len(u.APIServers) {
				u.APIServers[i].Version, _ = facts.ParseVersion(v)
			}
		}
	}
	return nil
}

// apiUse scans, for every kind of the removed-API table that the cluster still serves (under
// a newer version), each object's last-applied-configuration and managedFields for the API
// version it was written with. Object metadata only is listed (no specs, no data).
func (x Upgrade) apiUse(ctx context.Context, t Target, u *facts.Upgrade) error {
	if t.Metadata == nil {
		return nil
	}
	wanted := map[schema.GroupKind]bool{}
	for _, r := range x.Config.RemovedAPIs {
		if !r.Scanned() {
			continue
		}
		for _, k := range r.Kinds {
			wanted[schema.GroupKind{Group: r.Group, Kind: k}] = true
		}
	}
	lists, err := t.Client.Discovery().ServerPreferredResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return fmt.Errorf("discover API resources: %w", err)
	}
	// extensions/Ingress is served today as networking.k8s.io/Ingress: scan by kind across
	// the groups that serve it.
	byKind := map[string][]string{}
	for gk := range wanted {
		byKind[gk.Kind] = append(byKind[gk.Kind], gk.Group)
	}
	type scan struct {
		gv   schema.GroupVersion
		kind string
		name string
	}
	var scans []scan
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") || byKind[r.Kind] == nil || !slices.Contains(r.Verbs, "list") {
				continue
			}
			relevant := slices.Contains(byKind[r.Kind], gv.Group) || (r.Kind == "Ingress" && gv.Group == "networking.k8s.io")
			if !relevant {
				continue
			}
			if known, ok := t.sharedListed(gv.Group, r.Kind); ok && known.version == gv {
				for _, obj := range known.objects { // already listed by another collector
					u.APIUse = append(u.APIUse, WrittenVersions(obj, gv, r.Kind)...)
				}
				continue
			}
			scans = append(scans, scan{gv, r.Kind, r.Name})
		}
	}
	// The remaining kinds are small LISTs of metadata: run them at once.
	found := make([][]facts.APIUse, len(scans))
	steps := make([]func() error, len(scans))
	for i, sc := range scans {
		steps[i] = func() error {
			gvr := sc.gv.WithResource(sc.name)
			return listEach(ctx, t, gvr.String(), func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return t.Metadata.Resource(gvr).List(ctx, o)
			}, func() { found[i] = nil }, func(obj *metav1.PartialObjectMetadata) {
				found[i] = append(found[i], WrittenVersions(obj, sc.gv, sc.kind)...)
			})
		}
	}
	if err := parallel(steps...); err != nil {
		return err
	}
	for _, f := range found {
		u.APIUse = append(u.APIUse, f...)
	}
	u.APIUse = slices.CompactFunc(sortedAPIUse(u.APIUse), func(a, b facts.APIUse) bool { return a == b })
	return nil
}

func sortedAPIUse(in []facts.APIUse) []facts.APIUse {
	slices.SortFunc(in, func(a, b facts.APIUse) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Source, b.Source))
	})
	return in
}

// WrittenVersions returns the API versions, other than served (the version the object was
// listed as), that an object's writers used: kubectl apply's last-applied-configuration and
// each managedFields entry. Only the apiVersion of last-applied is read.
func WrittenVersions(obj *metav1.PartialObjectMetadata, served schema.GroupVersion, kind string) []facts.APIUse {
	var out []facts.APIUse
	add := func(apiVersion, source string) {
		gv, err := schema.ParseGroupVersion(apiVersion)
		if err != nil || gv == served {
			return
		}
		out = append(out, facts.APIUse{Group: gv.Group, Version: gv.Version, Kind: kind, Namespace: obj.Namespace, Name: obj.Name, Source: source})
	}
	if la := obj.Annotations[corev1.LastAppliedConfigAnnotation]; la != "" {
		var head struct {
			APIVersion string `json:"apiVersion"`
		}
		if json.Unmarshal([]byte(la), &head) == nil && head.APIVersion != "" {
			add(head.APIVersion, "last-applied")
		}
	}
	for _, mf := range obj.ManagedFields {
		add(mf.APIVersion, "managedFields:"+mf.Manager)
	}
	return out
}

// requestedDeprecatedAPIs reads apiserver_requested_deprecated_apis from the API server's
// /metrics, when the identity may read it.
func requestedDeprecatedAPIs(ctx context.Context, t Target) ([]facts.RequestedAPI, bool) {
	raw, err := t.Client.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, false
	}
	out, err := ParseDeprecatedAPIMetric(raw)
	if err != nil {
		return nil, false
	}
	return out, true
}

const deprecatedAPIsMetric = "apiserver_requested_deprecated_apis"

// ParseDeprecatedAPIMetric extracts apiserver_requested_deprecated_apis from exposition text.
// The API server's /metrics is large (megabytes); only that family's lines are parsed.
func ParseDeprecatedAPIMetric(raw []byte) ([]facts.RequestedAPI, error) {
	var only bytes.Buffer
	for line := range bytes.Lines(raw) {
		rest := line
		if bytes.HasPrefix(line, []byte("# HELP ")) || bytes.HasPrefix(line, []byte("# TYPE ")) {
			rest = line[7:]
		}
		if bytes.HasPrefix(rest, []byte(deprecatedAPIsMetric)) && len(rest) > len(deprecatedAPIsMetric) &&
			(rest[len(deprecatedAPIsMetric)] == '{' || rest[len(deprecatedAPIsMetric)] == ' ') {
			only.Write(line)
		}
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(&only)
	if err != nil {
		return nil, fmt.Errorf("parse /metrics: %w", err)
	}
	out := []facts.RequestedAPI{}
	if f, ok := fams[deprecatedAPIsMetric]; ok {
		for _, m := range f.GetMetric() {
			r := facts.RequestedAPI{}
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "group":
					r.Group = l.GetValue()
				case "version":
					r.Version = l.GetValue()
				case "resource":
					r.Resource = l.GetValue()
				case "removed_release":
					r.RemovedRelease = l.GetValue()
				}
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b facts.RequestedAPI) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Resource, b.Resource))
	})
	return slices.Compact(out), nil
}

// MaxHelmReleaseSize bounds a Helm release once decompressed (its JSON: chart metadata, values
// and the rendered manifest). Release Secrets are written by anyone who may create Secrets,
// and a 1 MiB Secret can hold a gzip stream that expands a thousandfold; a release over the
// limit is skipped and named in the upgrade collector's error. Real releases are far smaller:
// Helm itself cannot store a release whose compressed form exceeds a Secret's 1 MiB.
const MaxHelmReleaseSize = 32 << 20

// helmSecretPageSize bounds the LIST page of release Secrets: each may be up to 1 MiB, so a
// page of the default 500 could hold half a gigabyte.
const helmSecretPageSize = 16

// maxNamedSkips bounds how many skipped releases the collector's error names.
const maxNamedSkips = 5

// helmReleases reads the deployed revision of each Helm release from its release Secrets. A
// release Secret that cannot be read (not Helm's encoding, or over MaxHelmReleaseSize once
// decompressed) is skipped; skipped names them, and the other releases are still read.
func helmReleases(ctx context.Context, t Target, u *facts.Upgrade, removed map[[3]string]bool) (skipped, err error) {
	latest := map[string]facts.HelmRelease{}
	var uses []facts.APIUse
	var bad []string
	seen := 0
	if t.PageSize <= 0 || t.PageSize > helmSecretPageSize {
		t.PageSize = helmSecretPageSize
	}
	err = listEach(ctx, t, "secrets (owner=helm)", func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
		o.LabelSelector = "owner=helm"
		return t.Client.CoreV1().Secrets("").List(ctx, o)
	}, func() { latest, uses, bad, seen = map[string]facts.HelmRelease{}, nil, nil, 0 }, func(s *corev1.Secret) {
		if s.Type != "helm.sh/release.v1" {
			return
		}
		seen++
		rel, manifest, err := DecodeHelmRelease(s.Data["release"])
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s/%s: %v", s.Namespace, s.Name, err))
			return
		}
		key := rel.Namespace + "/" + rel.Name
		if old, ok := latest[key]; ok && old.Revision > rel.Revision {
			return
		}
		latest[key] = rel
		keep := func(a facts.APIUse) bool { return removed[[3]string{a.Group, a.Version, a.Kind}] }
		uses = append(slices.DeleteFunc(uses, func(a facts.APIUse) bool { return a.Source == "helm:"+key }),
			slices.DeleteFunc(ManifestAPIUse(manifest, "helm:"+key), func(a facts.APIUse) bool { return !keep(a) })...)
	})
	if err != nil {
		return nil, err
	}
	u.HelmReleases = []facts.HelmRelease{}
	for _, k := range slices.Sorted(maps.Keys(latest)) {
		u.HelmReleases = append(u.HelmReleases, latest[k])
	}
	u.APIUse = append(u.APIUse, uses...)
	if len(bad) == 0 {
		return nil, nil
	}
	n, more := len(bad), ""
	if n > maxNamedSkips {
		bad, more = bad[:maxNamedSkips], fmt.Sprintf("; and %d more", n-maxNamedSkips)
	}
	return fmt.Errorf("skipped %d of %d Helm release Secrets, the others were read: %s%s", n, seen, strings.Join(bad, "; "), more), nil
}

// DecodeHelmRelease decodes a Helm v3 release (base64 of gzipped JSON) into its chart
// metadata and rendered manifest. Values and everything else are dropped. A release larger
// than MaxHelmReleaseSize once decompressed is an error, found after inflating at most that
// much: the rest of the stream is never read.
func DecodeHelmRelease(data []byte) (facts.HelmRelease, string, error) {
	return decodeHelmRelease(data, MaxHelmReleaseSize)
}

func decodeHelmRelease(data []byte, limit int64) (facts.HelmRelease, string, error) {
	raw, err := base64.StdEncoding.DecodeString(string(data))
	if err != nil {
		return facts.HelmRelease{}, "", fmt.Errorf("helm release: %w", err)
	}
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return facts.HelmRelease{}, "", fmt.Errorf("helm release: %w", err)
		}
		if raw, err = sizelimit.Read(zr, limit, "decompressed release"); err != nil {
			return facts.HelmRelease{}, "", fmt.Errorf("helm release: %w", err)
		}
	}
	if int64(len(raw)) > limit {
		return facts.HelmRelease{}, "", fmt.Errorf("helm release: %w", &sizelimit.Error{What: "release", Limit: limit, Size: int64(len(raw))})
	}
	var rel struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
		Version   int    `json:"version"`
		Manifest  string `json:"manifest"`
		Info      struct {
			Status string `json:"status"`
		} `json:"info"`
		Chart struct {
			Metadata struct {
				Name       string `json:"name"`
				Version    string `json:"version"`
				AppVersion string `json:"appVersion"`
			} `json:"metadata"`
		} `json:"chart"`
	}
	if err := json.Unmarshal(raw, &rel); err != nil {
		return facts.HelmRelease{}, "", fmt.Errorf("helm release: %w", err)
	}
	return facts.HelmRelease{Namespace: rel.Namespace, Name: rel.Name, Chart: rel.Chart.Metadata.Name,
		ChartVersion: rel.Chart.Metadata.Version, AppVersion: rel.Chart.Metadata.AppVersion,
		Status: rel.Info.Status, Revision: rel.Version}, rel.Manifest, nil
}

// ManifestAPIUse lists the apiVersion and kind of every object of a multi-document manifest.
func ManifestAPIUse(manifest, source string) []facts.APIUse {
	var out []facts.APIUse
	for _, doc := range strings.Split(manifest, "\n---") {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if yaml.Unmarshal([]byte(doc), &head) != nil || head.APIVersion == "" || head.Kind == "" {
			continue
		}
		gv, err := schema.ParseGroupVersion(head.APIVersion)
		if err != nil {
			continue
		}
		out = append(out, facts.APIUse{Group: gv.Group, Version: gv.Version, Kind: head.Kind,
			Namespace: head.Metadata.Namespace, Name: head.Metadata.Name, Source: source})
	}
	return out
}
