package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// One comparison of two reports serves the history's changes (Diff), baselines
// (CompareBaseline) and SARIF fingerprints: findings are the same across runs when their
// identities match.

// Identity is a finding's identity across runs: its cluster, rule and resource (kind,
// namespace, name, field path). The message is not part of it: messages carry counts,
// percentages and costs that change from run to run. Kinds compare case-insensitively
// (v1alpha1 reports wrote "node/n1"). Several findings may share an identity (a rule that
// reports two problems of one namespace): runs are then compared as multisets.
func Identity(f policy.Finding) string {
	return identity(f, true)
}

func identity(f policy.Finding, fieldPath bool) string {
	r := f.Resource
	id := strings.Join([]string{f.Cluster, f.RuleID, strings.ToLower(r.Kind), r.Namespace, r.Name}, "\x00")
	if fieldPath {
		id += "\x00" + r.FieldPath
	}
	return id
}

// fingerprint is a short stable hash of an identity (SARIF partialFingerprints).
func fingerprint(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}

var digits = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// sameWording compares messages with their numbers ignored.
func sameWording(a, b policy.Finding) bool {
	return digits.ReplaceAllString(a.Message, "#") == digits.ReplaceAllString(b.Message, "#")
}

// compare pairs the findings of cur with those of prev by identity, as multisets: within one
// identity, findings worded alike (numbers ignored) pair first, then the rest in order. It
// returns, per cluster of cur and finding, whether prev had it, and prev's findings that cur
// no longer has — only where cur could have found them (a cluster it audited, with the
// rule evaluated), sorted. Against a v1alpha1 report, which had no field paths, field paths
// are left out of identities.
func compare(prev, cur *Report) (seen [][]bool, resolved []policy.Finding) {
	fieldPath := !slices.Contains(LegacyReportSchemaVersions, prev.SchemaVersion)
	type ref struct{ c, i int }
	byID := map[string][]ref{}
	for ci, c := range prev.Clusters {
		for i, f := range c.Findings {
			id := identity(f, fieldPath)
			byID[id] = append(byID[id], ref{ci, i})
		}
	}
	used := map[ref]bool{}
	seen = make([][]bool, len(cur.Clusters))
	for ci, c := range cur.Clusters {
		seen[ci] = make([]bool, len(c.Findings))
	}
	for _, alike := range []bool{true, false} {
		for ci, c := range cur.Clusters {
			for i, f := range c.Findings {
				if seen[ci][i] {
					continue
				}
				for _, p := range byID[identity(f, fieldPath)] {
					if !used[p] && (!alike || sameWording(prev.Clusters[p.c].Findings[p.i], f)) {
						used[p], seen[ci][i] = true, true
						break
					}
				}
			}
		}
	}
	judged := map[string]map[string]bool{} // cluster -> rules that could not run; absent: not audited
	for _, c := range cur.Clusters {
		if c.Status == facts.StatusFailed {
			continue
		}
		judged[c.Name] = map[string]bool{}
		for _, e := range c.RuleErrors {
			judged[c.Name][e.Rule] = true
		}
	}
	resolved = []policy.Finding{}
	for ci, c := range prev.Clusters {
		notRun, audited := judged[c.Name]
		for i, f := range c.Findings {
			if !used[ref{ci, i}] && audited && !notRun[f.RuleID] {
				resolved = append(resolved, f)
			}
		}
	}
	policy.SortFindings(resolved)
	return seen, resolved
}
