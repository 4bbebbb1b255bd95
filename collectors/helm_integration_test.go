package collectors

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/metadata"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// TestHelmReleaseBombOnRealCluster: anyone who may create a Secret can label it owner=helm.
// A release Secret whose gzip stream inflates to 512 MiB (base64 under a Secret's 1 MiB) is
// skipped with an error that names it; the other releases are still read, the cluster is
// audited (partial: the upgrade collector says what it skipped), and the collection allocates
// a small multiple of MaxHelmReleaseSize, not of the bomb.
func TestHelmReleaseBombOnRealCluster(t *testing.T) {
	cl := testcluster.Start(t, "helm").Clusters[0]
	ctx := context.Background()
	cl.CreateNamespace(t, "shop")
	cl.CreateNamespace(t, "team")
	release := func(ns, name string, revision int, data []byte) {
		t.Helper()
		s := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("sh.helm.release.v1.%s.v%d", name, revision), Namespace: ns,
				Labels: map[string]string{"owner": "helm", "name": name, "status": "deployed", "version": fmt.Sprint(revision)}},
			Type: "helm.sh/release.v1", Data: map[string][]byte{"release": data},
		}
		if _, err := cl.Admin.CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create release secret %s/%s: %v", ns, s.Name, err)
		}
	}
	good := func(ns, name string, revision int, manifest string) []byte {
		return encodeHelmRelease(t, map[string]any{"name": name, "namespace": ns, "version": revision, "info": map[string]any{"status": "deployed"},
			"chart": map[string]any{"metadata": map[string]any{"name": name + "-chart", "version": fmt.Sprintf("1.%d.0", revision)}}, "manifest": manifest})
	}
	release("shop", "web", 1, good("shop", "web", 1, ""))
	release("shop", "web", 2, good("shop", "web", 2, ""))
	release("team", "api", 1, good("team", "api", 1, "---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\n  namespace: team\n"))
	bomb := helmBomb(t, "bomb", 512<<20)
	release("team", "bomb", 1, bomb)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := &facts.Cluster{Name: "helm", Nodes: []facts.Node{}}
	Run(ctx, All(Config{Upgrade: UpgradeConfig{HelmReleases: true}}), Target{Client: cl.Admin, Metadata: metadata.NewForConfigOrDie(cl.Config)}, c)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("bomb: %d bytes of base64 inflating to 512 MiB; the whole collection allocated %d MiB", len(bomb), allocated>>20)

	if c.Status() != facts.StatusPartial {
		t.Fatalf("status %s (%s), want partial: only the upgrade collector skipped something", c.Status(), c.Problem())
	}
	var upgradeErr string
	for _, r := range c.Collection {
		if r.Collector == "upgrade" {
			upgradeErr = r.Error
		} else if !r.OK() {
			t.Errorf("collector %s failed: %s", r.Collector, r.Error)
		}
	}
	want := "skipped 1 of 4 Helm release Secrets, the others were read: team/sh.helm.release.v1.bomb.v1: helm release: decompressed release is over the limit of 32 MiB"
	if upgradeErr != want {
		t.Errorf("upgrade collector error\n got %q\nwant %q", upgradeErr, want)
	}
	if c.Upgrade == nil {
		t.Fatal("the upgrade facts were dropped")
	}
	var got []string
	for _, r := range c.Upgrade.HelmReleases {
		got = append(got, fmt.Sprintf("%s/%s %s %d", r.Namespace, r.Name, r.ChartVersion, r.Revision))
	}
	if strings.Join(got, ", ") != "shop/web 1.2.0 2, team/api 1.1.0 1" {
		t.Errorf("releases read: %v", got)
	}
	if !slices.ContainsFunc(c.Upgrade.APIUse, func(u facts.APIUse) bool { return u.Source == "helm:team/api" && u.Version == "v1beta1" }) {
		t.Errorf("the manifest of team/api was not scanned: %+v", c.Upgrade.APIUse)
	}
	// Unbounded, the manifest alone is 512 MiB, read once and copied into a string.
	bound := uint64(8 * MaxHelmReleaseSize)
	if raceEnabled {
		bound = 24 * MaxHelmReleaseSize // the race detector's shadow memory; unbounded is 1.7 GiB
	}
	if allocated > bound {
		t.Errorf("the collection allocated %d MiB with a 512 MiB bomb; want at most %d MiB", allocated>>20, 8*MaxHelmReleaseSize>>20)
	}
}
