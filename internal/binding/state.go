package binding

import (
	"slices"
	"strings"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// State is a fleet cluster's place in the catalog: the profile it is bound to, the version
// it is held to now, the version it is seen to run, and whether a newer one is available.
// It is part of audit -o json and the reports (clusters[].profile).
type State struct {
	// Profile is the binding's reference ("name" or "name@version").
	Profile string `json:"profile"`
	// HeldTo is the version the cluster is held to now: the pinned one, else the newest
	// catalog version for the Kubernetes minor it runs. Empty when no version fits.
	HeldTo string `json:"heldTo,omitempty"`
	// Runs is the catalog version the cluster is seen to run: its Kubernetes version is that
	// version's and every layer's chart is installed at that version's chart version. When
	// several versions fit, the one the gate last let the cluster move to (its decision
	// history) wins, else the newest. Empty when none fits: the cluster has drifted.
	Runs string `json:"runs,omitempty"`
	// RunsFrom says what Runs rests on: "facts", or "facts+history" when the decision
	// history chose among several fitting versions or confirms the one the facts show.
	RunsFrom string `json:"runsFrom,omitempty"`
	// Newest is the catalog's newest version of the profile.
	Newest string `json:"newest,omitempty"`
	// UpdateAvailable is true when Newest is not the version the cluster is held to.
	UpdateAvailable bool `json:"updateAvailable"`
	// LastMove is the last move the gate allowed for the cluster (decision history), if any.
	LastMove *Move `json:"lastMove,omitempty"`
	// Problem says why the state is unknown or incomplete (unbound, ambiguous, not in the
	// catalog, no Kubernetes version observed).
	Problem string `json:"problem,omitempty"`
}

// Move is an allowed decision of the gate's history.
type Move struct {
	Time    time.Time `json:"time"`
	Profile string    `json:"profile"`
	Target  string    `json:"targetVersion"`
	Object  string    `json:"object,omitempty"`
}

// StateOf derives a cluster's State from its bindings, the catalog, the facts observed and
// the moves the gate allowed (oldest first; may be empty). nil when the cluster is not bound.
func (b *Bindings) StateOf(c *facts.Cluster, cat *profile.Catalog, moves []Move) *State {
	if b == nil || cat == nil || c == nil {
		return nil
	}
	bd, err := b.ProfileFor(c.Name)
	if err != nil {
		if strings.Contains(err.Error(), "is bound to no profile") {
			return nil
		}
		return &State{Problem: err.Error()}
	}
	st := &State{Profile: bd.Profile}
	name, pinned, _ := strings.Cut(bd.Profile, "@")
	versions := cat.Versions(name) // oldest first
	if len(versions) == 0 {
		st.Problem = "profile " + name + " is not in the catalog"
		return st
	}
	if len(moves) > 0 {
		m := moves[len(moves)-1]
		st.LastMove = &m
	}
	newest := versions[len(versions)-1]
	st.Newest = newest.ID()
	if c.Version == nil {
		st.Problem = "the cluster's Kubernetes version was not observed"
		st.UpdateAvailable = pinned != "" && pinned != newest.Spec.Version // unpinned: unknown
		return st
	}
	for _, v := range versions {
		t, err := facts.ParseVersion(v.Spec.KubernetesVersion)
		if err != nil {
			continue
		}
		if (pinned != "" && v.Spec.Version == pinned) || (pinned == "" && t.Major == c.Version.Major && t.Minor == c.Version.Minor) {
			st.HeldTo = v.ID() // the last one that fits is the newest
		}
	}
	st.UpdateAvailable = st.HeldTo != "" && st.HeldTo != st.Newest
	var fits []string
	for _, v := range versions {
		if runs(v, c) {
			fits = append(fits, v.ID())
		}
	}
	if len(fits) == 0 {
		return st
	}
	st.Runs, st.RunsFrom = fits[len(fits)-1], "facts"
	for i := len(moves) - 1; i >= 0; i-- {
		if p, err := cat.Resolve(moves[i].Profile); err == nil && slices.Contains(fits, p.ID()) {
			st.Runs, st.RunsFrom = p.ID(), "facts+history"
			break
		}
	}
	return st
}

// runs reports whether the facts show the cluster running profile version v: the same
// Kubernetes version (major.minor.patch; a provider suffix such as -eks-… is ignored) and
// every layer's chart installed at its version (or, for a layer with an image and no Helm
// release, that image running at its tag), as the drift rule judges it.
func runs(v *profile.Profile, c *facts.Cluster) bool {
	t, err := facts.ParseVersion(v.Spec.KubernetesVersion)
	if err != nil || t.Major != c.Version.Major || t.Minor != c.Version.Minor || t.Patch != c.Version.Patch {
		return false
	}
	var charts []facts.InstalledChart
	var images []facts.InstalledImage
	if c.Upgrade != nil {
		charts, images = c.Upgrade.Charts, c.Upgrade.Images
	}
	for _, l := range v.Spec.Layers {
		helm := slices.ContainsFunc(charts, func(ic facts.InstalledChart) bool { return ic.Chart == l.Chart.Name })
		ok := slices.ContainsFunc(charts, func(ic facts.InstalledChart) bool {
			return ic.Chart == l.Chart.Name && strings.TrimPrefix(ic.Version, "v") == strings.TrimPrefix(l.Chart.Version, "v")
		})
		// Without Helm's labels, a layer with an image is recognised by the image it runs.
		if !helm && l.Image != nil {
			ok = slices.ContainsFunc(images, func(im facts.InstalledImage) bool {
				return im.Repository == l.Image.Repository && im.Tag == l.Image.Tag
			})
		}
		if !ok {
			return false
		}
	}
	return true
}
