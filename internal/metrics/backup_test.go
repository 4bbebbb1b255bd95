package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// TestBackupSeries: a schedule with a completed backup gets its time, one without none; the
// Available locations are counted; a cluster without Velero has no backup series at all.
func TestBackupSeries(t *testing.T) {
	done := time.Unix(1_800_000_000, 0).UTC()
	withVelero := &facts.Cluster{Name: "prod", Backup: &facts.Backup{Installed: true,
		Locations: []facts.BackupLocation{{Name: "default", Phase: "Available"}, {Name: "dr", Phase: "Unavailable"}},
		Schedules: []facts.BackupSchedule{
			{Namespace: "velero", Name: "nightly", LastSuccessful: &facts.BackupRun{Name: "nightly-1", Phase: "Completed", CompletedAt: &done}},
			{Namespace: "velero", Name: "new"},
		}}}
	without := &facts.Cluster{Name: "staging", Backup: &facts.Backup{Installed: false}}
	c := New()
	c.Update(&Snapshot{Facts: map[string]*facts.Cluster{"prod": withVelero, "staging": without},
		Audit: &fleet.Audit{Clusters: []fleet.Result{{Cluster: "prod", Status: facts.StatusOK}, {Cluster: "staging", Status: facts.StatusOK}}}})
	const want = `
# HELP fleetaudit_backup_last_success_timestamp_seconds Unix time the newest Completed Velero backup of each schedule finished (schedule="namespace/name"; schedules with no completed backup have no series).
# TYPE fleetaudit_backup_last_success_timestamp_seconds gauge
fleetaudit_backup_last_success_timestamp_seconds{cluster="prod",schedule="velero/nightly"} 1.8e+09
# HELP fleetaudit_backup_locations_available Velero BackupStorageLocations in phase Available (0: backups cannot be written; no series without Velero).
# TYPE fleetaudit_backup_locations_available gauge
fleetaudit_backup_locations_available{cluster="prod"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fleetaudit_backup_last_success_timestamp_seconds", "fleetaudit_backup_locations_available"); err != nil {
		t.Error(err)
	}
}
