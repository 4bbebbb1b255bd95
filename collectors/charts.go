package collectors

import (
	"cmp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// splitChartLabel splits Helm's helm.sh/chart label, "NAME-VERSION", where names and
// versions may both contain dashes (aws-ebs-csi-driver-2.45.0, app-1.2.3-rc-1). Helm
// requires chart versions to be SemVer 2, so the split is at the first dash followed by a
// strict semantic version (a leading v allowed), as Helm's Masterminds/semver reads it; failing
// that, at the last dash followed by a looser version ("1", "1.2").
func splitChartLabel(label string) (name, version string, ok bool) {
	for i := 1; i < len(label)-1; i++ {
		if label[i] == '-' {
			if _, err := semver.StrictNewVersion(strings.TrimPrefix(label[i+1:], "v")); err == nil {
				return label[:i], label[i+1:], true
			}
		}
	}
	if i := strings.LastIndexByte(label, '-'); i > 0 {
		if _, err := semver.NewVersion(label[i+1:]); err == nil {
			return label[:i], label[i+1:], true
		}
	}
	return "", "", false
}

// ChartFacts reads the chart an object was installed by from the labels and annotations
// Helm puts on the objects it manages; ok is false when the object carries none.
func ChartFacts(m metav1.ObjectMeta) (c facts.InstalledChart, ok bool) {
	name, version, ok := splitChartLabel(m.Labels["helm.sh/chart"])
	if !ok {
		return c, false
	}
	ns := m.Annotations["meta.helm.sh/release-namespace"]
	if ns == "" {
		ns = m.Namespace
	}
	release := m.Annotations["meta.helm.sh/release-name"]
	if release == "" {
		release = m.Labels["app.kubernetes.io/instance"]
	}
	return facts.InstalledChart{Namespace: ns, Release: release, Chart: name, Version: version}, true
}

// chartSet gathers the charts of many objects, once each.
type chartSet map[facts.InstalledChart]bool

func (s chartSet) add(m metav1.ObjectMeta) {
	if c, ok := ChartFacts(m); ok {
		s[c] = true
	}
}

func (s chartSet) list() []facts.InstalledChart {
	out := make([]facts.InstalledChart, 0, len(s))
	for c := range s {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b facts.InstalledChart) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Release, b.Release), cmp.Compare(a.Chart, b.Chart), cmp.Compare(a.Version, b.Version))
	})
	return out
}

// ParseImage splits a container image reference into its repository (with the registry,
// Docker Hub's implied one written out: "nginx" is docker.io/library/nginx), tag and digest.
func ParseImage(ref string) (repository, tag, digest string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref, digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref, tag = ref[:i], ref[i+1:]
	}
	first, rest, ok := strings.Cut(ref, "/")
	switch {
	case !ok:
		ref = "docker.io/library/" + ref
	case first != "localhost" && !strings.ContainsAny(first, ".:"):
		ref = "docker.io/" + ref
	case first == "index.docker.io":
		ref = "docker.io/" + rest
	}
	return ref, tag, digest
}

// imageSet gathers the images of many workloads, once per namespace and image.
type imageSet map[facts.InstalledImage]string

func (s imageSet) add(namespace, kind, name string, spec corev1.PodSpec) {
	for _, c := range spec.Containers {
		repo, tag, digest := ParseImage(c.Image)
		k := facts.InstalledImage{Namespace: namespace, Repository: repo, Tag: tag, Digest: digest}
		if w := kind + "/" + name; s[k] == "" || w < s[k] {
			s[k] = w
		}
	}
}

func (s imageSet) list() []facts.InstalledImage {
	out := make([]facts.InstalledImage, 0, len(s))
	for k, w := range s {
		k.Workload = w
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b facts.InstalledImage) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Repository, b.Repository), cmp.Compare(a.Tag, b.Tag), cmp.Compare(a.Digest, b.Digest))
	})
	return out
}
