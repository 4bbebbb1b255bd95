package reports

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
)

// Shards says which parts of a fleet split Count ways (fleet.Shard) a report holds: a part
// of audit --shard I/N has Present [I]; a merge has the union of its parts. Missing parts'
// clusters are not in the report, which is then incomplete.
type Shards struct {
	Count   int   `json:"count"`
	Present []int `json:"present"`
	Missing []int `json:"missing"`
}

// ShardsOf is the Shards of a report of one part; nil for the whole fleet.
func ShardsOf(s fleet.Shard) *Shards {
	if s.Count == 0 {
		return nil
	}
	out := &Shards{Count: s.Count, Present: []int{s.Index}, Missing: []int{}}
	for i := range s.Count {
		if i != s.Index {
			out.Missing = append(out.Missing, i)
		}
	}
	return out
}

// Complete reports whether every part is present (true for a report that is not sharded).
func (s *Shards) Complete() bool { return s == nil || len(s.Missing) == 0 }

// String is "1 of 3 parts (missing 0, 2)" or "all 3 parts".
func (s *Shards) String() string {
	if s == nil {
		return ""
	}
	if len(s.Missing) == 0 {
		return fmt.Sprintf("all %d parts", s.Count)
	}
	return fmt.Sprintf("%d of %d parts (present %s; missing %s: their clusters are not in this report)",
		len(s.Present), s.Count, joinInts(s.Present), joinInts(s.Missing))
}

func joinInts(xs []int) string {
	if len(xs) == 0 {
		return "none"
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

// Part is one shard's report and the file it was read from (for errors).
type Part struct {
	File   string
	Report *Report
}

// ReadPart reads a shard's report (audit --shard I/N -o json, or a report folder's
// report.json); errors name the file.
func ReadPart(path string) (Part, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return Part{}, fmt.Errorf("part %s is a folder: give the JSON report of one shard (audit --shard I/N -o json, or DIR/<run>/report.json)", path)
	}
	b, err := sizelimit.ReadFile(path, MaxBaselineSize)
	if err != nil {
		return Part{}, fmt.Errorf("part %w", err)
	}
	r, err := decodeReportNumbers(path, b, "write the part again with this build (fleetaudit audit --shard I/N -o json)", true)
	if err != nil {
		return Part{}, fmt.Errorf("part %w", err)
	}
	if r.SchemaVersion != ReportSchemaVersion {
		return Part{}, fmt.Errorf("part %s: schemaVersion %q: merge reads %s only; write the part again with this build", path, r.SchemaVersion, ReportSchemaVersion)
	}
	return Part{File: path, Report: r}, nil
}

// Merge combines the reports of a sharded fleet's parts into one report of the same schema.
// The parts must share the rule set (ids, titles, severities) and shard count, and no
// cluster or shard may be in two parts. Clusters are taken as the parts report them; every
// count derived from them (summary, controls) is recomputed as Build computes it. Missing
// shards are listed in Shards.Missing. GeneratedAt is the newest part's. Changes and
// Baseline are per run and are dropped (report --from computes the changes again); the
// waiver summaries are summed when every part used the same waiver file (see mergeWaivers).
func Merge(parts []Part) (*Report, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("merge: no parts given")
	}
	first := parts[0]
	out := &Report{SchemaVersion: ReportSchemaVersion, GeneratedAt: first.Report.GeneratedAt,
		Summary: Summary{Profile: first.Report.Summary.Profile}, Rules: first.Report.Rules, Clusters: []ClusterReport{}}
	if out.Rules == nil {
		out.Rules = []RuleInfo{}
	}
	owner := map[string]string{} // cluster -> file
	shardFile := map[int]string{}
	var shards *Shards
	for _, p := range parts {
		r := p.Report
		if r.SchemaVersion != first.Report.SchemaVersion {
			return nil, fmt.Errorf("part %s: schemaVersion %q, but %s has %q: write every part with the same fleetaudit version", p.File, r.SchemaVersion, first.File, first.Report.SchemaVersion)
		}
		if r.Shards == nil {
			return nil, fmt.Errorf("part %s: not a shard's report (it has no shards field): write each part with audit --shard I/N -o json", p.File)
		}
		if shards == nil {
			shards = &Shards{Count: r.Shards.Count}
		}
		if r.Shards.Count != shards.Count {
			return nil, fmt.Errorf("part %s: a part of %d shards, but %s is a part of %d: merge the parts of one run (same --shards)", p.File, r.Shards.Count, first.File, shards.Count)
		}
		if err := sameRules(first, p); err != nil {
			return nil, err
		}
		if r.Summary.Profile != out.Summary.Profile {
			return nil, fmt.Errorf("part %s: profile %q, but %s has %q: give every part the same --profile", p.File, r.Summary.Profile, first.File, out.Summary.Profile)
		}
		for _, i := range r.Shards.Present {
			if i < 0 || i >= shards.Count {
				return nil, fmt.Errorf("part %s: shard %d is not one of 0 to %d", p.File, i, shards.Count-1)
			}
			if f, dup := shardFile[i]; dup {
				return nil, fmt.Errorf("part %s: shard %d/%d is also in %s: give each part once", p.File, i, shards.Count, f)
			}
			shardFile[i] = p.File
		}
		for _, c := range r.Clusters {
			if f, dup := owner[c.Name]; dup {
				return nil, fmt.Errorf("part %s: cluster %q is also in %s: each cluster belongs to one shard; were the parts written with different --shards or fleets?", p.File, c.Name, f)
			}
			owner[c.Name] = p.File
			out.Clusters = append(out.Clusters, c)
		}
		if r.GeneratedAt.After(out.GeneratedAt) {
			out.GeneratedAt = r.GeneratedAt
		}
		out.NextExpiring = append(out.NextExpiring, r.NextExpiring...)
	}
	w, err := mergeWaivers(parts)
	if err != nil {
		return nil, err
	}
	out.Waivers = w
	shards.Present, shards.Missing = []int{}, []int{}
	for i := range shards.Count {
		if _, ok := shardFile[i]; ok {
			shards.Present = append(shards.Present, i)
		} else {
			shards.Missing = append(shards.Missing, i)
		}
	}
	out.Shards = shards
	slices.SortFunc(out.Clusters, func(x, y ClusterReport) int { return cmp.Compare(x.Name, y.Name) }) // as fleet.Run orders them
	sortExpiring(out.NextExpiring)
	if len(out.NextExpiring) > NextExpiringLimit {
		out.NextExpiring = out.NextExpiring[:NextExpiringLimit]
	}
	out.summarize()
	return out, nil
}

// sameRules checks that p evaluated the rules of first: the same ids, titles and severities.
func sameRules(first, p Part) error {
	a, b := first.Report.Rules, p.Report.Rules
	key := func(r RuleInfo) string { return r.ID + "\x00" + r.Title + "\x00" + string(r.Severity) }
	ka, kb := map[string]bool{}, map[string]bool{}
	for _, r := range a {
		ka[key(r)] = true
	}
	for _, r := range b {
		kb[key(r)] = true
	}
	for _, r := range b {
		if !ka[key(r)] {
			return fmt.Errorf("part %s: rule %s (%q, %s) is not in %s as such: merge parts evaluated with the same rules (--rules, --waivers, version)", p.File, r.ID, r.Title, r.Severity, first.File)
		}
	}
	for _, r := range a {
		if !kb[key(r)] {
			return fmt.Errorf("part %s: rule %s (%q, %s) of %s is not in it: merge parts evaluated with the same rules (--rules, --waivers, version)", p.File, r.ID, r.Title, r.Severity, first.File)
		}
	}
	return nil
}

// mergeWaivers sums the parts' waiver summaries. Every part lists the expired and expiring
// waivers (expiry does not depend on the clusters), each with its own matches: they are
// listed once, Matched summed. A waiver is stale when every part lists it stale (it matched
// nothing anywhere). Waived is summed. Every part must have used the same waiver file, or none.
func mergeWaivers(parts []Part) (*waiver.Summary, error) {
	first := parts[0]
	if first.Report.Waivers == nil {
		for _, p := range parts[1:] {
			if p.Report.Waivers != nil {
				return nil, fmt.Errorf("part %s was audited with --waivers, %s without: give every part the same --waivers", p.File, first.File)
			}
		}
		return nil, nil
	}
	out := &waiver.Summary{File: first.Report.Waivers.File, ExpiringSoon: []waiver.Status{}, Expired: []waiver.Status{}, Stale: []waiver.Status{}}
	staleIn := map[string]int{}
	for _, p := range parts {
		w := p.Report.Waivers
		if w == nil || w.File != out.File {
			return nil, fmt.Errorf("part %s was not audited with the waiver file %s of %s: give every part the same --waivers", p.File, out.File, first.File)
		}
		out.Waived += w.Waived
		out.ExpiringSoon = sumMatched(out.ExpiringSoon, w.ExpiringSoon)
		out.Expired = sumMatched(out.Expired, w.Expired)
		for _, s := range w.Stale {
			staleIn[s.Source]++
		}
	}
	for _, s := range first.Report.Waivers.Stale {
		if staleIn[s.Source] == len(parts) {
			out.Stale = append(out.Stale, s)
		}
	}
	return out, nil
}

// sumMatched adds the statuses of add to list: Matched summed for a waiver already there
// (by source), appended otherwise.
func sumMatched(list, add []waiver.Status) []waiver.Status {
	for _, s := range add {
		if i := slices.IndexFunc(list, func(x waiver.Status) bool { return x.Source == s.Source }); i >= 0 {
			list[i].Matched += s.Matched
		} else {
			list = append(list, s)
		}
	}
	return list
}
