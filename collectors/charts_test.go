package collectors

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

func TestChartFacts(t *testing.T) {
	meta := func(ns, chart string, ann map[string]string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: ns, Labels: map[string]string{"helm.sh/chart": chart, "app.kubernetes.io/instance": "inst"}, Annotations: ann}
	}
	for _, c := range []struct {
		m    metav1.ObjectMeta
		want facts.InstalledChart
		ok   bool
	}{
		{meta("kube-system", "cilium-1.18.2", map[string]string{"meta.helm.sh/release-name": "cilium"}), facts.InstalledChart{Namespace: "kube-system", Release: "cilium", Chart: "cilium", Version: "1.18.2"}, true},
		{meta("kube-system", "aws-ebs-csi-driver-2.45.0", nil), facts.InstalledChart{Namespace: "kube-system", Release: "inst", Chart: "aws-ebs-csi-driver", Version: "2.45.0"}, true},
		{meta("ingress", "ingress-nginx-4.13.0-beta.1", map[string]string{"meta.helm.sh/release-namespace": "ingress-nginx"}), facts.InstalledChart{Namespace: "ingress-nginx", Release: "inst", Chart: "ingress-nginx", Version: "4.13.0-beta.1"}, true},
		{meta("x", "tigera-operator-v3.31.0", nil), facts.InstalledChart{Namespace: "x", Release: "inst", Chart: "tigera-operator", Version: "v3.31.0"}, true},
		{meta("x", "app-1.2.3-rc-1", nil), facts.InstalledChart{Namespace: "x", Release: "inst", Chart: "app", Version: "1.2.3-rc-1"}, true},
		{meta("x", "k8s-1-2-chart-0.4.0+build.7", nil), facts.InstalledChart{Namespace: "x", Release: "inst", Chart: "k8s-1-2-chart", Version: "0.4.0+build.7"}, true},
		{meta("x", "legacy-1.2", nil), facts.InstalledChart{Namespace: "x", Release: "inst", Chart: "legacy", Version: "1.2"}, true},
		{meta("x", "no-version", nil), facts.InstalledChart{}, false},
		{meta("x", "-1.0.0", nil), facts.InstalledChart{}, false},
		{metav1.ObjectMeta{Namespace: "x", Labels: map[string]string{"app": "web"}}, facts.InstalledChart{}, false},
	} {
		got, ok := ChartFacts(c.m)
		if ok != c.ok || got != c.want {
			t.Errorf("%v: %+v %v, want %+v %v", c.m.Labels, got, ok, c.want, c.ok)
		}
	}
	s := chartSet{}
	s.add(meta("a", "x-1.0.0", nil))
	s.add(meta("a", "x-1.0.0", nil))
	s.add(meta("a", "w-2.0.0", nil))
	if l := s.list(); len(l) != 2 || l[0].Chart != "w" {
		t.Errorf("set: %+v", l)
	}
}

func TestParseImage(t *testing.T) {
	for in, want := range map[string][3]string{
		"nginx":                         {"docker.io/library/nginx", "", ""},
		"nginx:1.27":                    {"docker.io/library/nginx", "1.27", ""},
		"bitnami/redis:7":               {"docker.io/bitnami/redis", "7", ""},
		"index.docker.io/bitnami/redis": {"docker.io/bitnami/redis", "", ""},
		"registry.k8s.io/ingress-nginx/controller:v1.12.1@sha256:abc": {"registry.k8s.io/ingress-nginx/controller", "v1.12.1", "sha256:abc"},
		"localhost:5000/app:dev":           {"localhost:5000/app", "dev", ""},
		"localhost/app":                    {"localhost/app", "", ""},
		"quay.io/cilium/cilium@sha256:def": {"quay.io/cilium/cilium", "", "sha256:def"},
	} {
		r, tag, d := ParseImage(in)
		if [3]string{r, tag, d} != want {
			t.Errorf("ParseImage(%q) = %q %q %q, want %v", in, r, tag, d, want)
		}
	}
}
