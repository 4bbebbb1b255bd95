package collectors

import (
	"context"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// TestInstalledChartsOnRealCluster: the charts Helm installed are read from the labels of
// the DaemonSets, Deployments and StatefulSets it manages, once per release, without reading
// any Secret; workloads without Helm labels are not charts.
func TestInstalledChartsOnRealCluster(t *testing.T) {
	cl := testcluster.Start(t, "charts").Clusters[0]
	ctx := context.Background()
	cl.CreateNamespace(t, "ingress")
	helm := func(chart, release string) (map[string]string, map[string]string) {
		return map[string]string{"app": release, "helm.sh/chart": chart, "app.kubernetes.io/managed-by": "Helm"},
			map[string]string{"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": "kube-system"}
	}
	pod := func(app string) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example/" + app + ":1"}}}}
	}
	sel := func(app string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
	}
	labels, ann := helm("cilium-1.18.2", "cilium")
	if _, err := cl.Admin.AppsV1().DaemonSets("kube-system").Create(ctx, &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "cilium", Labels: labels, Annotations: ann},
		Spec:       appsv1.DaemonSetSpec{Selector: sel("cilium"), Template: pod("cilium")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The operator of the same release: one chart entry, not two.
	labels, ann = helm("cilium-1.18.2", "cilium")
	labels["app"] = "cilium-operator"
	if _, err := cl.Admin.AppsV1().Deployments("kube-system").Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "cilium-operator", Labels: labels, Annotations: ann},
		Spec:       appsv1.DeploymentSpec{Selector: sel("cilium-operator"), Template: pod("cilium-operator")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	labels = map[string]string{"app": "ingress-nginx", "helm.sh/chart": "ingress-nginx-4.13.0", "app.kubernetes.io/instance": "edge"}
	if _, err := cl.Admin.AppsV1().Deployments("ingress").Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "ingress-nginx-controller", Labels: labels},
		Spec:       appsv1.DeploymentSpec{Selector: sel("ingress-nginx"), Template: pod("ingress-nginx")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Admin.AppsV1().StatefulSets("ingress").Create(ctx, &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "plain", Labels: map[string]string{"app": "plain"}},
		Spec:       appsv1.StatefulSetSpec{Selector: sel("plain"), Template: pod("plain")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c := &facts.Cluster{Name: "charts"}
	Run(ctx, All(Config{}), Target{Client: cl.Admin, PageSize: 1}, c)
	for _, r := range c.Collection {
		if !r.OK() {
			t.Fatalf("collector %s: %s", r.Collector, r.Error)
		}
	}
	want := []facts.InstalledChart{
		{Namespace: "ingress", Release: "edge", Chart: "ingress-nginx", Version: "4.13.0"},
		{Namespace: "kube-system", Release: "cilium", Chart: "cilium", Version: "1.18.2"},
	}
	got := c.Upgrade.Charts
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("charts %+v, want %+v", got, want)
	}
	// Every workload's image, Helm's or not (the StatefulSet "plain" has no Helm labels):
	// how a layer installed without Helm is recognised.
	wantImages := []facts.InstalledImage{
		{Namespace: "ingress", Workload: "Deployment/ingress-nginx-controller", Repository: "registry.example/ingress-nginx", Tag: "1"},
		{Namespace: "ingress", Workload: "StatefulSet/plain", Repository: "registry.example/plain", Tag: "1"},
		{Namespace: "kube-system", Workload: "DaemonSet/cilium", Repository: "registry.example/cilium", Tag: "1"},
		{Namespace: "kube-system", Workload: "Deployment/cilium-operator", Repository: "registry.example/cilium-operator", Tag: "1"},
	}
	if !slices.Equal(c.Upgrade.Images, wantImages) {
		t.Errorf("images %+v, want %+v", c.Upgrade.Images, wantImages)
	}
}
