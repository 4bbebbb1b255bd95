package collectors

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/robfig/cron/v3"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Backup collects backup and restore readiness from Velero (velero.io/v1, discovered: a
// cluster without it is one "not installed" fact): storage locations, schedules with the
// interval of their cron expressions, how the backups went, the newest restore, and the
// namespaces that run workloads with the schedules that cover them. The workload LISTs are
// the ones the workloads collector reads (shared, not listed twice). No Secret is read.
type Backup struct{}

// Name implements Collector.
func (Backup) Name() string { return "backup" }

// Writes implements Writer.
func (Backup) Writes() []string { return []string{"backup"} }

// Needs implements Needer: the workload controllers, shared with the workloads collector.
func (Backup) Needs() []string {
	return []string{"deployments", "statefulsets", "daemonsets", "cronjobs"}
}

// BackupObjects are the raw objects the backup facts are computed from.
type BackupObjects struct {
	// Installed is whether velero.io/v1 Backups are served.
	Installed bool
	Locations []*VeleroLocation
	Schedules []*VeleroSchedule
	Backups   []*VeleroBackup
	Restores  []*VeleroRestore
	// Workloads counts the workload controllers per namespace.
	Workloads map[string]int
}

// Collect implements Collector.
func (Backup) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	in, err := t.VeleroObjects(ctx)
	if err != nil {
		return err
	}
	in.Workloads = map[string]int{}
	count := func(m *metav1.ObjectMeta) { in.Workloads[m.Namespace]++ }
	// One after the other: the LISTs are prefetched (Needs), and count writes one map.
	for _, step := range []func() error{
		func() error { return each(ctx, t, "deployments", func(x *appsv1.Deployment) { count(&x.ObjectMeta) }) },
		func() error {
			return each(ctx, t, "statefulsets", func(x *appsv1.StatefulSet) { count(&x.ObjectMeta) })
		},
		func() error { return each(ctx, t, "daemonsets", func(x *appsv1.DaemonSet) { count(&x.ObjectMeta) }) },
		func() error { return each(ctx, t, "cronjobs", func(x *batchv1.CronJob) { count(&x.ObjectMeta) }) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	c.Backup = BuildBackup(in, c.CollectedAt)
	return nil
}

// BuildBackup computes the backup facts from raw objects as of now (the facts' collectedAt):
// cron intervals are computed over the year after now, and failed backups kept for
// facts.FailedHistory before it.
func BuildBackup(in BackupObjects, now time.Time) *facts.Backup {
	out := &facts.Backup{Installed: in.Installed, Locations: []facts.BackupLocation{}, Schedules: []facts.BackupSchedule{},
		Failed: []facts.BackupRun{}, Namespaces: []facts.BackupNamespace{}, Backups: len(in.Backups), Restores: len(in.Restores)}
	for _, l := range in.Locations {
		f := facts.BackupLocation{Namespace: l.Namespace, Name: l.Name, Provider: l.Spec.Provider, Default: l.Spec.Default,
			AccessMode: l.Spec.AccessMode, Phase: l.Status.Phase, Message: l.Status.Message, LastValidated: timeOf(l.Status.LastValidationTime)}
		if l.Spec.ObjectStorage != nil {
			f.Bucket = l.Spec.ObjectStorage.Bucket
		}
		out.Locations = append(out.Locations, f)
	}
	slices.SortFunc(out.Locations, func(a, b facts.BackupLocation) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})

	// Backups, newest first, so the first one found of each kind is the newest.
	runs := make([]facts.BackupRun, 0, len(in.Backups))
	for _, b := range in.Backups {
		runs = append(runs, facts.BackupRun{Namespace: b.Namespace, Name: b.Name, Schedule: b.Labels[veleroScheduleLabel],
			Phase: b.Status.Phase, StartedAt: timeOf(b.Status.StartTimestamp), CompletedAt: timeOf(b.Status.CompletionTimestamp),
			Errors: b.Status.Errors, Warnings: b.Status.Warnings, FailureReason: b.Status.FailureReason})
	}
	when := make(map[string]time.Time, len(in.Backups))
	for i, b := range in.Backups {
		when[b.Namespace+"/"+b.Name] = runTime(runs[i], b.CreationTimestamp.Time)
	}
	order := make([]int, len(runs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := runs[i], runs[j]
		return cmp.Or(when[b.Namespace+"/"+b.Name].Compare(when[a.Namespace+"/"+a.Name]),
			cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for _, i := range order {
		r := runs[i]
		completed := r.Phase == "Completed" && r.CompletedAt != nil
		if completed && out.LastSuccessful == nil {
			out.LastSuccessful = &r
		}
		if (r.Phase == "Failed" || r.Phase == "PartiallyFailed") && len(out.Failed) < facts.MaxFailed &&
			!when[r.Namespace+"/"+r.Name].Before(now.Add(-facts.FailedHistory)) {
			out.Failed = append(out.Failed, r)
		}
	}

	for _, s := range in.Schedules {
		f := facts.BackupSchedule{Namespace: s.Namespace, Name: s.Name, Cron: s.Spec.Schedule, Paused: s.Spec.Paused,
			CreatedAt: timeOf(&s.CreationTimestamp), Phase: s.Status.Phase,
			IncludedNamespaces: nonNil(s.Spec.Template.IncludedNamespaces), ExcludedNamespaces: nonNil(s.Spec.Template.ExcludedNamespaces),
			StorageLocation: s.Spec.Template.StorageLocation, LastBackup: timeOf(s.Status.LastBackup)}
		if d, err := CronInterval(s.Spec.Schedule, now); err != nil {
			f.CronError = err.Error()
		} else {
			f.IntervalSeconds = int64(d / time.Second)
		}
		for _, i := range order {
			r := runs[i]
			if r.Namespace != s.Namespace || r.Schedule != s.Name {
				continue
			}
			if f.Latest == nil {
				f.Latest = &r
			}
			if r.Phase == "Completed" && r.CompletedAt != nil {
				f.LastSuccessful = &r
				break
			}
		}
		out.Schedules = append(out.Schedules, f)
	}
	slices.SortFunc(out.Schedules, func(a, b facts.BackupSchedule) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})

	for ns, n := range in.Workloads {
		f := facts.BackupNamespace{Name: ns, Workloads: n, Schedules: []string{}}
		for _, s := range out.Schedules {
			if CoversNamespace(s.IncludedNamespaces, s.ExcludedNamespaces, ns) {
				f.Schedules = append(f.Schedules, s.Namespace+"/"+s.Name)
			}
		}
		for _, i := range order {
			r, b := runs[i], in.Backups[i]
			if r.Phase == "Completed" && r.CompletedAt != nil && CoversNamespace(b.Spec.IncludedNamespaces, b.Spec.ExcludedNamespaces, ns) {
				f.LastBackup = &r
				break
			}
		}
		out.Namespaces = append(out.Namespaces, f)
	}
	slices.SortFunc(out.Namespaces, func(a, b facts.BackupNamespace) int { return cmp.Compare(a.Name, b.Name) })

	var lastRestore *VeleroRestore
	for _, r := range in.Restores {
		if r.Status.Phase != "Completed" || r.Status.CompletionTimestamp == nil {
			continue
		}
		if lastRestore == nil || r.Status.CompletionTimestamp.After(lastRestore.Status.CompletionTimestamp.Time) ||
			(r.Status.CompletionTimestamp.Equal(lastRestore.Status.CompletionTimestamp) && r.Name < lastRestore.Name) {
			lastRestore = r
		}
	}
	if r := lastRestore; r != nil {
		out.LastRestore = &facts.BackupRestore{Namespace: r.Namespace, Name: r.Name, Backup: r.Spec.BackupName, Schedule: r.Spec.ScheduleName,
			Phase: r.Status.Phase, CompletedAt: timeOf(r.Status.CompletionTimestamp)}
	}
	return out
}

// runTime is when a backup ran, for ordering: its completion, else its start, else its
// creation.
func runTime(r facts.BackupRun, created time.Time) time.Time {
	switch {
	case r.CompletedAt != nil:
		return *r.CompletedAt
	case r.StartedAt != nil:
		return *r.StartedAt
	}
	return created.UTC()
}

// CoversNamespace reports whether a backup with these included and excluded namespaces
// (Velero's spec fields: names or globs, "*" for all, none included meaning all) takes in
// namespace ns. An exclusion wins over an inclusion, as in Velero.
func CoversNamespace(included, excluded []string, ns string) bool {
	match := func(globs []string) bool {
		for _, g := range globs {
			if ok, _ := path.Match(g, ns); ok || g == ns {
				return true
			}
		}
		return false
	}
	if match(excluded) {
		return false
	}
	return len(included) == 0 || match(included)
}

// CronInterval is the longest gap between two consecutive runs of a Velero schedule's cron
// expression (parsed as Velero parses it: robfig/cron's standard parser) over the year after
// from, looking at no more than 5,000 runs: for "0 2 * * *" a day, for "0 2 * * 1-5" three days
// (the weekend).
func CronInterval(expr string, from time.Time) (d time.Duration, err error) {
	defer func() { // robfig/cron panics on some malformed input (Velero guards it the same way)
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid cron expression %q: %v", expr, r)
		}
	}()
	if expr == "" {
		return 0, fmt.Errorf("empty cron expression")
	}
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return 0, fmt.Errorf("invalid cron expression %q: %w", expr, err)
	}
	end := from.Add(366 * 24 * time.Hour)
	t := s.Next(from)
	for i := 0; i < 5000 && !t.IsZero() && t.Before(end); i++ {
		next := s.Next(t)
		if next.IsZero() {
			break
		}
		d = max(d, next.Sub(t))
		t = next
	}
	if d == 0 {
		return 0, fmt.Errorf("cron expression %q does not run twice in a year", expr)
	}
	return d, nil
}

func timeOf(t *metav1.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
