package metrics

import "github.com/fleetaudit/fleetaudit/internal/facts"

// backup adds the backup readiness series of a cluster with Velero: per schedule, when its
// newest Completed backup finished (schedules are few, so the label stays bounded), and how
// many storage locations are Available. A cluster without Velero (or without backup facts)
// has none: FA-BAK-001 says so.
func (b *builder) backup(cluster string, f *facts.Backup) {
	if f == nil || !f.Installed {
		return
	}
	for _, s := range f.Schedules { // sorted by namespace and name
		if r := s.LastSuccessful; r != nil && r.CompletedAt != nil {
			b.add("fleetaudit_backup_last_success_timestamp_seconds", float64(r.CompletedAt.Unix()), cluster, s.Namespace+"/"+s.Name)
		}
	}
	available := 0
	for _, l := range f.Locations {
		if l.Phase == "Available" {
			available++
		}
	}
	b.add("fleetaudit_backup_locations_available", float64(available), cluster)
}
