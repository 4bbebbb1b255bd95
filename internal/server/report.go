package server

import (
	"fmt"

	"github.com/fleetaudit/fleetaudit/reports"
)

// WriteReport writes a report of the last finished audit into the history (with the first
// configured profile's gate decisions) and returns it with its folder. It does not audit
// again.
func (s *Server) WriteReport(h reports.History, formats []string) (*reports.Report, string, error) {
	st := s.State()
	if st == nil {
		return nil, "", fmt.Errorf("no audit has finished yet")
	}
	b := reports.NewBuilder()
	costs := map[string]*reports.CostSummary{}
	for name, c := range st.Facts {
		if cs := b.Keep(c); cs != nil {
			costs[name] = cs
		}
	}
	profileID := ""
	var decisions = st.Decisions
	if latest := latestProfiles(s.cfg.Profiles); len(latest) > 0 {
		profileID = latest[0].ID()
		decisions = nil
		for _, d := range st.Decisions {
			if d.Profile == profileID {
				decisions = append(decisions, d)
			}
		}
	}
	r := reports.Build(st.Audit, s.cfg.Engine.Rules(), costs, decisions, profileID, s.cfg.Now())
	r.NextExpiring = b.NextExpiring()
	dir, err := h.Write(r, formats)
	return r, dir, err
}
