package binding

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

func stateCatalog(t *testing.T) *profile.Catalog {
	t.Helper()
	mk := func(version, kube, cilium string) *profile.Profile {
		p := &profile.Profile{APIVersion: profile.APIVersion, Kind: profile.Kind, Metadata: profile.Metadata{Name: "platform"}}
		p.Spec.Version, p.Spec.KubernetesVersion = version, kube
		p.Spec.Layers = []profile.Layer{{Name: "cilium", Type: "cni", Chart: profile.Chart{Name: "cilium", Version: cilium}}}
		return p
	}
	// 2.1.0 and 2.1.1 run the same stack (2.1.1 only changed requirements).
	cat, problems := profile.NewCatalog([]*profile.Profile{
		mk("2.0.0", "v1.33.4", "1.17.0"), mk("2.1.0", "v1.34.2", "1.18.2"), mk("2.1.1", "v1.34.2", "1.18.2"), mk("2.2.0", "v1.35.0", "1.18.4"),
	})
	if cat == nil {
		t.Fatalf("catalog: %v", problems)
	}
	return cat
}

func cluster(name, version string, charts ...facts.InstalledChart) *facts.Cluster {
	v, _ := facts.ParseVersion(version)
	return &facts.Cluster{Name: name, Version: v, Upgrade: &facts.Upgrade{Charts: charts}}
}

func TestStateOf(t *testing.T) {
	cat := stateCatalog(t)
	b := &Bindings{File: "b.yaml", Profiles: []ProfileBinding{
		{Clusters: []string{"prod-*"}, Profile: "platform"},
		{Clusters: []string{"pinned-*"}, Profile: "platform@2.0.0"},
		{Clusters: []string{"both-*"}, Profile: "platform"}, {Clusters: []string{"both-*"}, Profile: "edge"},
		{Clusters: []string{"ghost-*"}, Profile: "ghost"},
	}}
	cilium := func(v string) facts.InstalledChart {
		return facts.InstalledChart{Namespace: "kube-system", Release: "cilium", Chart: "cilium", Version: v}
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		c     *facts.Cluster
		moves []Move
		want  State
	}{
		{"runs the newest fitting version", cluster("prod-a", "v1.34.2-eks-1", cilium("1.18.2")), nil,
			State{Profile: "platform", HeldTo: "platform@2.1.1", Runs: "platform@2.1.1", RunsFrom: "facts", Newest: "platform@2.2.0", UpdateAvailable: true}},
		{"history picks among fitting versions", cluster("prod-a", "v1.34.2", cilium("v1.18.2")),
			[]Move{{Time: at.Add(-time.Hour), Profile: "platform@2.1.1", Target: "v1.34.2"}, {Time: at, Profile: "platform@2.1.0", Target: "v1.34.2"}},
			State{Profile: "platform", HeldTo: "platform@2.1.1", Runs: "platform@2.1.0", RunsFrom: "facts+history", Newest: "platform@2.2.0", UpdateAvailable: true,
				LastMove: &Move{Time: at, Profile: "platform@2.1.0", Target: "v1.34.2"}}},
		{"history never overrides the facts", cluster("prod-a", "v1.34.2", cilium("1.18.2")),
			[]Move{{Time: at, Profile: "platform@2.2.0", Target: "v1.35.0"}},
			State{Profile: "platform", HeldTo: "platform@2.1.1", Runs: "platform@2.1.1", RunsFrom: "facts", Newest: "platform@2.2.0", UpdateAvailable: true,
				LastMove: &Move{Time: at, Profile: "platform@2.2.0", Target: "v1.35.0"}}},
		{"drifted: another chart version", cluster("prod-a", "v1.34.2", cilium("1.18.1")), nil,
			State{Profile: "platform", HeldTo: "platform@2.1.1", Newest: "platform@2.2.0", UpdateAvailable: true}},
		{"drifted: another patch", cluster("prod-a", "v1.34.3", cilium("1.18.2")), nil,
			State{Profile: "platform", HeldTo: "platform@2.1.1", Newest: "platform@2.2.0", UpdateAvailable: true}},
		{"on the newest version", cluster("prod-b", "v1.35.0", cilium("1.18.4")), nil,
			State{Profile: "platform", HeldTo: "platform@2.2.0", Runs: "platform@2.2.0", RunsFrom: "facts", Newest: "platform@2.2.0"}},
		{"no version for its minor", cluster("prod-c", "v1.32.9"), nil,
			State{Profile: "platform", Newest: "platform@2.2.0"}},
		{"pinned", cluster("pinned-1", "v1.33.4", cilium("1.17.0")), nil,
			State{Profile: "platform@2.0.0", HeldTo: "platform@2.0.0", Runs: "platform@2.0.0", RunsFrom: "facts", Newest: "platform@2.2.0", UpdateAvailable: true}},
		{"version not observed", &facts.Cluster{Name: "prod-x"}, nil,
			State{Profile: "platform", Newest: "platform@2.2.0", Problem: "the cluster's Kubernetes version was not observed"}},
		{"profile not in the catalog", cluster("ghost-1", "v1.34.2"), nil,
			State{Profile: "ghost", Problem: "profile ghost is not in the catalog"}},
	} {
		got := b.StateOf(c.c, cat, c.moves)
		if got == nil {
			t.Errorf("%s: nil state", c.name)
			continue
		}
		if (got.LastMove == nil) != (c.want.LastMove == nil) || (got.LastMove != nil && *got.LastMove != *c.want.LastMove) {
			t.Errorf("%s: last move %+v, want %+v", c.name, got.LastMove, c.want.LastMove)
		}
		got.LastMove, c.want.LastMove = nil, nil
		if *got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, *got, c.want)
		}
	}
	if st := b.StateOf(cluster("dev-1", "v1.34.2"), cat, nil); st != nil {
		t.Errorf("an unbound cluster has no state: %+v", st)
	}
	if st := b.StateOf(cluster("both-1", "v1.34.2"), cat, nil); st == nil || !strings.Contains(st.Problem, "bound to both platform") {
		t.Errorf("an ambiguous binding is a problem, not a guess: %+v", st)
	}
}

// TestStateRecognisesLayersByImage: a layer installed without Helm (a managed add-on) counts
// as running when its image runs at the profile's tag, as the drift rule judges it.
func TestStateRecognisesLayersByImage(t *testing.T) {
	p := &profile.Profile{APIVersion: profile.APIVersion, Kind: profile.Kind, Metadata: profile.Metadata{Name: "platform"}}
	p.Spec.Version, p.Spec.KubernetesVersion = "1.0.0", "v1.34.2"
	p.Spec.Layers = []profile.Layer{{Name: "ebs", Type: "csi", Chart: profile.Chart{Name: "aws-ebs-csi-driver", Version: "2.45.0"},
		Image: &profile.Image{Repository: "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver", Tag: "v1.45.0"}}}
	cat, _ := profile.NewCatalog([]*profile.Profile{p})
	b := &Bindings{Profiles: []ProfileBinding{{Clusters: []string{"*"}, Profile: "platform"}}}
	withImage := func(tag string) *facts.Cluster {
		c := cluster("eks-1", "v1.34.2-eks-1")
		c.Upgrade.Images = []facts.InstalledImage{{Namespace: "kube-system", Workload: "Deployment/ebs-csi-controller",
			Repository: "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver", Tag: tag}}
		return c
	}
	if st := b.StateOf(withImage("v1.45.0"), cat, nil); st.Runs != "platform@1.0.0" {
		t.Errorf("image at the profile's tag: %+v", st)
	}
	if st := b.StateOf(withImage("v1.44.0"), cat, nil); st.Runs != "" {
		t.Errorf("image at another tag: %+v", st)
	}
	// A Helm release of the chart decides: its version, not the image, must match.
	c := withImage("v1.45.0")
	c.Upgrade.Charts = []facts.InstalledChart{{Namespace: "kube-system", Chart: "aws-ebs-csi-driver", Version: "2.40.0"}}
	if st := b.StateOf(c, cat, nil); st.Runs != "" {
		t.Errorf("a Helm release at another version: %+v", st)
	}
}
