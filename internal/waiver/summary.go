package waiver

import "time"

// Summary is what a run's outputs show of its waiver file (report JSON "waivers"): how many
// findings it waived, and the waivers that need attention.
type Summary struct {
	File string `json:"file"`
	// Waived counts the findings waived in the run.
	Waived int `json:"waived"`
	// ExpiringSoon are the active waivers within ExpiringSoonDays of their expiry.
	ExpiringSoon []Status `json:"expiringSoon"`
	// Expired are the waivers past their expiry (each matching one is an ExpiredRuleID finding).
	Expired []Status `json:"expired"`
	// Stale are the waivers that matched no finding in the whole run: fixed, renamed, or
	// written wrong.
	Stale []Status `json:"stale"`
}

// Status is one waiver as the report shows it: as written (expires normalised to
// YYYY-MM-DD), where, and how many findings of the run it matched (expired or not).
type Status struct {
	Entry
	// Source is where the waiver is written, as file:line.
	Source  string `json:"source"`
	Matched int    `json:"matched"`
}

// Summarize builds the run's summary from the matches of every cluster (Apply's matched,
// summed) and the number of findings waived; nil for a nil set.
func (s *Set) Summarize(matched []int, waived int, now time.Time) *Summary {
	if s == nil {
		return nil
	}
	out := &Summary{File: s.File, Waived: waived, ExpiringSoon: []Status{}, Expired: []Status{}, Stale: []Status{}}
	for i, w := range s.Waivers {
		n := 0
		if i < len(matched) {
			n = matched[i]
		}
		st := Status{Entry: Entry{Rule: w.Rule, Clusters: w.Clusters, Namespace: w.Namespace, Resource: w.Resource, Owner: w.Owner,
			Reason: w.Reason, Expires: w.ExpiresText(), Ticket: w.Ticket}, Source: w.Source(), Matched: n}
		switch {
		case !w.Active(now):
			out.Expired = append(out.Expired, st)
		case w.ExpiringSoon(now):
			out.ExpiringSoon = append(out.ExpiringSoon, st)
		}
		if n == 0 {
			out.Stale = append(out.Stale, st)
		}
	}
	return out
}
