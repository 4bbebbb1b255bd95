package profile

import (
	"fmt"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// The checks of a catalog that look at several documents, or at a document against itself
// beyond field validation. Each takes the versions of one profile, oldest first.

// dropDuplicates keeps the first of versions of equal precedence ("3.2.0" twice, or "3.2.0"
// and "3.2.0+build.1", which no order tells apart) and reports the others, naming both files.
func dropDuplicates(versions []*Profile) ([]*Profile, []Problem) {
	var kept []*Profile
	var errs []Problem
	for _, p := range versions {
		if n := len(kept); n > 0 && CompareVersions(kept[n-1].Spec.Version, p.Spec.Version) == 0 {
			first := kept[n-1]
			what := p.ID() + " is also defined in " + first.File
			if first.Spec.Version != p.Spec.Version {
				what = fmt.Sprintf("%s is the same version as %s in %s (build metadata does not order versions)", p.ID(), first.ID(), first.File)
			}
			errs = append(errs, Problem{File: p.File, Field: "spec.version", Message: what + ": each name@version must be in exactly one file; delete the copy or give one of them a new spec.version"})
			continue
		}
		kept = append(kept, p)
	}
	return kept, errs
}

// checkOrder reports a version that targets an older Kubernetes minor than an older version
// of the profile: following the profile's versions would move clusters back a minor, which
// the gate never allows.
func checkOrder(versions []*Profile) []Problem {
	var errs []Problem
	var highest *Profile // the older version with the newest Kubernetes minor so far
	for _, p := range versions {
		v, err := facts.ParseVersion(p.Spec.KubernetesVersion)
		if err != nil {
			continue // Validate reported it
		}
		if highest != nil {
			h, _ := facts.ParseVersion(highest.Spec.KubernetesVersion)
			if v.Major < h.Major || v.Major == h.Major && v.Minor < h.Minor {
				errs = append(errs, Problem{File: p.File, Field: "spec.kubernetesVersion", Message: fmt.Sprintf(
					"%s targets Kubernetes %s, an older minor than the older %s (%s, in %s): a newer profile version must not move clusters back; raise spec.kubernetesVersion or give this profile a version below %s",
					p.ID(), p.Spec.KubernetesVersion, highest.ID(), highest.Spec.KubernetesVersion, highest.File, highest.Spec.Version)})
				continue
			}
			if v.Major == h.Major && v.Minor == h.Minor {
				continue // keep the first of a minor, so a patch move back is only a warning (checkSteps)
			}
		}
		highest = p
	}
	return errs
}

// checkSteps warns about moves between consecutive versions that are allowed in a catalog
// but that an operator rarely means: more than one Kubernetes minor (the gate allows one
// minor per step, so clusters on the older version cannot move to the newer one directly)
// and a patch move back within a minor.
func checkSteps(versions []*Profile) []Problem {
	var warns []Problem
	for i := 1; i < len(versions); i++ {
		prev, p := versions[i-1], versions[i]
		a, errA := facts.ParseVersion(prev.Spec.KubernetesVersion)
		b, errB := facts.ParseVersion(p.Spec.KubernetesVersion)
		if errA != nil || errB != nil || a.Major != b.Major {
			continue
		}
		switch {
		case b.Minor-a.Minor > 1:
			warns = append(warns, Problem{File: p.File, Field: "spec.kubernetesVersion", Message: fmt.Sprintf(
				"%s moves Kubernetes %s to %s from %s, more than one minor: the gate allows one minor per upgrade, so clusters on %s cannot move to %s in one step; add a profile version for each minor between",
				p.ID(), prev.Spec.KubernetesVersion, p.Spec.KubernetesVersion, prev.ID(), prev.ID(), p.ID())})
		case b.Minor == a.Minor && b.Patch < a.Patch:
			warns = append(warns, Problem{File: p.File, Field: "spec.kubernetesVersion", Message: fmt.Sprintf(
				"%s targets Kubernetes %s, an older patch than %s (%s): raise spec.kubernetesVersion unless the rollback is meant",
				p.ID(), p.Spec.KubernetesVersion, prev.ID(), prev.Spec.KubernetesVersion)})
		}
	}
	return warns
}

// checkLayerRanges reports layers whose supported Kubernetes range excludes the profile's
// own spec.kubernetesVersion: the gate would deny every cluster (FA-UPG-008).
func checkLayerRanges(p *Profile) []Problem {
	target, err := facts.ParseVersion(p.Spec.KubernetesVersion)
	if err != nil {
		return nil
	}
	var warns []Problem
	for _, l := range p.Spec.Layers {
		rng, err := ParseRange(l.Kubernetes)
		if l.Kubernetes == "" || err != nil || rng.Admits(target) {
			continue
		}
		warns = append(warns, Problem{File: p.File, Field: fmt.Sprintf("spec.layers[name=%s].kubernetes", l.Name), Message: fmt.Sprintf(
			"%q excludes the profile's own Kubernetes %s: widen the range or pick a chart version that supports it",
			l.Kubernetes, p.Spec.KubernetesVersion)})
	}
	return warns
}
