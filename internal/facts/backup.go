package facts

import (
	"fmt"
	"time"
)

// Backup is the state of backup and restore in the cluster, read from Velero (velero.io/v1):
// where backups go, what is scheduled, how the backups went and whether a restore was ever
// tested, plus the namespaces that run workloads and what covers them. It holds no
// credentials: a location's credential Secret is neither read nor named.
type Backup struct {
	// Installed is whether the cluster serves velero.io/v1 Backups (the Velero CRDs are
	// installed). When false every list below is empty: one fact, not an error.
	Installed bool `json:"installed"`
	// Locations are the BackupStorageLocations, sorted by namespace and name.
	Locations []BackupLocation `json:"locations"`
	// Schedules are the Schedules, sorted by namespace and name.
	Schedules []BackupSchedule `json:"schedules"`
	// Backups counts the Backup objects listed (any phase).
	Backups int `json:"backups"`
	// LastSuccessful is the newest Completed backup of any schedule, or none (a manual
	// backup); nil when no backup completed.
	LastSuccessful *BackupRun `json:"lastSuccessful,omitempty"`
	// Failed are the Failed and PartiallyFailed backups of the FailedHistory before collection
	// (by completion, else start, else creation time), newest first, at most MaxFailed.
	Failed []BackupRun `json:"failed"`
	// Restores counts the Restore objects listed (any phase).
	Restores int `json:"restores"`
	// LastRestore is the newest Completed restore (a restore test); nil when none completed.
	LastRestore *BackupRestore `json:"lastRestore,omitempty"`
	// Namespaces are the namespaces that run workloads (Deployments, StatefulSets,
	// DaemonSets, CronJobs), sorted by name, with the schedules that include them.
	Namespaces []BackupNamespace `json:"namespaces"`
}

// FailedHistory is how far back Backup.Failed reaches, and MaxFailed how many it keeps.
const (
	FailedHistory = 30 * 24 * time.Hour
	MaxFailed     = 50
)

// BackupLocation is a Velero BackupStorageLocation.
type BackupLocation struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Provider is spec.provider (aws, gcp, azure, …); Bucket is spec.objectStorage.bucket.
	Provider string `json:"provider"`
	Bucket   string `json:"bucket,omitempty"`
	// Default is spec.default.
	Default bool `json:"default"`
	// AccessMode is spec.accessMode (ReadWrite, ReadOnly); empty means ReadWrite.
	AccessMode string `json:"accessMode,omitempty"`
	// Phase is status.phase: Available, Unavailable, or empty (never validated).
	Phase string `json:"phase"`
	// Message is status.message (why a location is unavailable).
	Message string `json:"message,omitempty"`
	// LastValidated is status.lastValidationTime.
	LastValidated *time.Time `json:"lastValidated,omitempty"`
}

// BackupSchedule is a Velero Schedule.
type BackupSchedule struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Cron is spec.schedule, a cron expression as Velero reads it (robfig/cron's standard
	// parser: five fields, descriptors such as @daily and @every 6h, CRON_TZ= prefixes).
	Cron string `json:"cron"`
	// IntervalSeconds is the longest gap between two runs of Cron, computed by fleetaudit
	// over the year after collection; 0 when Cron does not parse (CronError says why).
	IntervalSeconds int64  `json:"intervalSeconds"`
	CronError       string `json:"cronError,omitempty"`
	// CreatedAt is metadata.creationTimestamp: a schedule younger than its interval has
	// not had the time to complete a backup.
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	// Paused is spec.paused.
	Paused bool `json:"paused"`
	// Phase is status.phase: New, Enabled or FailedValidation.
	Phase string `json:"phase,omitempty"`
	// IncludedNamespaces and ExcludedNamespaces are spec.template's; none included (or "*")
	// means every namespace.
	IncludedNamespaces []string `json:"includedNamespaces"`
	ExcludedNamespaces []string `json:"excludedNamespaces"`
	// StorageLocation is spec.template.storageLocation (empty: the default location).
	StorageLocation string `json:"storageLocation,omitempty"`
	// LastBackup is status.lastBackup: when the schedule last created a backup, whatever
	// became of it.
	LastBackup *time.Time `json:"lastBackup,omitempty"`
	// LastSuccessful is the schedule's newest Completed backup (Backups labelled
	// velero.io/schedule-name with its name, in its namespace); nil when none.
	LastSuccessful *BackupRun `json:"lastSuccessful,omitempty"`
	// Latest is the schedule's newest backup of any phase; nil when none.
	Latest *BackupRun `json:"latest,omitempty"`
}

// BackupRun is one Velero Backup.
type BackupRun struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Schedule is the velero.io/schedule-name label: the schedule that created it.
	Schedule string `json:"schedule,omitempty"`
	// Phase is status.phase: Completed, PartiallyFailed, Failed, InProgress, …
	Phase string `json:"phase"`
	// StartedAt and CompletedAt are status.startTimestamp and status.completionTimestamp.
	StartedAt   *time.Time `json:"startedAt,omitempty"`
	CompletedAt *time.Time `json:"completedAt,omitempty"`
	// Errors and Warnings are status.errors and status.warnings; FailureReason is
	// status.failureReason.
	Errors        int    `json:"errors,omitempty"`
	Warnings      int    `json:"warnings,omitempty"`
	FailureReason string `json:"failureReason,omitempty"`
}

// BackupRestore is one Velero Restore.
type BackupRestore struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Backup is spec.backupName (or spec.scheduleName's newest backup: Schedule).
	Backup   string `json:"backup,omitempty"`
	Schedule string `json:"schedule,omitempty"`
	// Phase is status.phase; CompletedAt is status.completionTimestamp.
	Phase       string     `json:"phase"`
	CompletedAt *time.Time `json:"completedAt,omitempty"`
}

// BackupNamespace is a namespace that runs workloads.
type BackupNamespace struct {
	Name string `json:"name"`
	// Workloads counts its Deployments, StatefulSets, DaemonSets and CronJobs.
	Workloads int `json:"workloads"`
	// Schedules are the schedules ("namespace/name") whose included and excluded namespaces
	// take it in, paused or not, sorted.
	Schedules []string `json:"schedules"`
	// LastBackup is the newest Completed backup (scheduled or manual) whose namespaces take
	// it in; nil when none.
	LastBackup *BackupRun `json:"lastBackup,omitempty"`
}

// Shift moves every time of the backup facts by d (the demo fleet, whose collectedAt is the
// time it is loaded, keeps its backups' ages this way).
func (b *Backup) Shift(d time.Duration) {
	at := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.Add(d)
		return &u
	}
	run := func(r *BackupRun) *BackupRun {
		if r == nil {
			return nil
		}
		c := *r
		c.StartedAt, c.CompletedAt = at(r.StartedAt), at(r.CompletedAt)
		return &c
	}
	for i := range b.Locations {
		b.Locations[i].LastValidated = at(b.Locations[i].LastValidated)
	}
	for i := range b.Schedules {
		s := &b.Schedules[i]
		s.CreatedAt, s.LastBackup = at(s.CreatedAt), at(s.LastBackup)
		s.LastSuccessful, s.Latest = run(s.LastSuccessful), run(s.Latest)
	}
	b.LastSuccessful = run(b.LastSuccessful)
	for i := range b.Failed {
		b.Failed[i] = *run(&b.Failed[i])
	}
	if b.LastRestore != nil {
		r := *b.LastRestore
		r.CompletedAt = at(r.CompletedAt)
		b.LastRestore = &r
	}
	for i := range b.Namespaces {
		b.Namespaces[i].LastBackup = run(b.Namespaces[i].LastBackup)
	}
}

// BackupSummary is a cluster's backup readiness in brief, for reports: the locations, each
// schedule's last good backup and the last restore test, with their ages at collection.
type BackupSummary struct {
	// Installed is whether Velero is installed; the rest is empty when not.
	Installed bool `json:"installed"`
	// Locations are "namespace/name phase" (phase "-" when never validated).
	Locations []string                `json:"locations"`
	Schedules []BackupScheduleSummary `json:"schedules"`
	// LastRestore is the newest Completed restore and LastRestoreAge its age ("" without one).
	LastRestore    string `json:"lastRestore,omitempty"`
	LastRestoreAge string `json:"lastRestoreAge,omitempty"`
}

// BackupScheduleSummary is one schedule's last good backup.
type BackupScheduleSummary struct {
	Name   string `json:"name"`
	Cron   string `json:"cron"`
	Paused bool   `json:"paused,omitempty"`
	// LastSuccess names the newest Completed backup and LastSuccessAge its age; both "" when
	// the schedule has none.
	LastSuccess    string `json:"lastSuccess,omitempty"`
	LastSuccessAge string `json:"lastSuccessAge,omitempty"`
}

// Summary summarises the backup facts as of at (the facts' collectedAt).
func (b *Backup) Summary(at time.Time) *BackupSummary {
	s := &BackupSummary{Installed: b.Installed, Locations: []string{}, Schedules: []BackupScheduleSummary{}}
	for _, l := range b.Locations {
		phase := l.Phase
		if phase == "" {
			phase = "-"
		}
		s.Locations = append(s.Locations, l.Namespace+"/"+l.Name+" "+phase)
	}
	for _, x := range b.Schedules {
		sum := BackupScheduleSummary{Name: x.Namespace + "/" + x.Name, Cron: x.Cron, Paused: x.Paused}
		if r := x.LastSuccessful; r != nil && r.CompletedAt != nil {
			sum.LastSuccess, sum.LastSuccessAge = r.Name, Age(at.Sub(*r.CompletedAt))
		}
		s.Schedules = append(s.Schedules, sum)
	}
	if r := b.LastRestore; r != nil && r.CompletedAt != nil {
		s.LastRestore, s.LastRestoreAge = r.Namespace+"/"+r.Name, Age(at.Sub(*r.CompletedAt))
	}
	return s
}

// Age writes a duration the way the backup rules do: 21d, 2d 4h, 5h 30m, 45m, 30s.
func Age(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s >= 86400 && s%86400 < 3600:
		return fmt.Sprintf("%dd", s/86400)
	case s >= 86400:
		return fmt.Sprintf("%dd %dh", s/86400, s%86400/3600)
	case s >= 3600 && s%3600 < 60:
		return fmt.Sprintf("%dh", s/3600)
	case s >= 3600:
		return fmt.Sprintf("%dh %dm", s/3600, s%3600/60)
	case s >= 60:
		return fmt.Sprintf("%dm", s/60)
	}
	return fmt.Sprintf("%ds", s)
}
