package collectors

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Velero's API (velero.io/v1), read without Velero's Go module: only the fields the backup
// facts need, decoded from unstructured pages. Velero is optional: a cluster that does not
// serve the group is a fact (not installed), not an error.

const (
	veleroGroupVersion = "velero.io/v1"
	// veleroScheduleLabel is the label Velero puts on the Backups a Schedule creates.
	veleroScheduleLabel = "velero.io/schedule-name"
)

// VeleroLocation is the part of a BackupStorageLocation the facts keep (never its
// credential: a Secret reference fleetaudit neither follows nor records).
type VeleroLocation struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Provider      string `json:"provider"`
		Default       bool   `json:"default"`
		AccessMode    string `json:"accessMode"`
		ObjectStorage *struct {
			Bucket string `json:"bucket"`
		} `json:"objectStorage"`
	} `json:"spec"`
	Status struct {
		Phase              string       `json:"phase"`
		Message            string       `json:"message"`
		LastValidationTime *metav1.Time `json:"lastValidationTime"`
	} `json:"status"`
}

// VeleroSchedule is the part of a Schedule the facts keep.
type VeleroSchedule struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Schedule string               `json:"schedule"`
		Paused   bool                 `json:"paused"`
		Template veleroBackupTemplate `json:"template"`
	} `json:"spec"`
	Status struct {
		Phase      string       `json:"phase"`
		LastBackup *metav1.Time `json:"lastBackup"`
	} `json:"status"`
}

type veleroBackupTemplate struct {
	IncludedNamespaces []string `json:"includedNamespaces"`
	ExcludedNamespaces []string `json:"excludedNamespaces"`
	StorageLocation    string   `json:"storageLocation"`
}

// VeleroBackup is the part of a Backup the facts keep.
type VeleroBackup struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              veleroBackupTemplate `json:"spec"`
	Status            struct {
		Phase               string       `json:"phase"`
		StartTimestamp      *metav1.Time `json:"startTimestamp"`
		CompletionTimestamp *metav1.Time `json:"completionTimestamp"`
		Errors              int          `json:"errors"`
		Warnings            int          `json:"warnings"`
		FailureReason       string       `json:"failureReason"`
	} `json:"status"`
}

// VeleroRestore is the part of a Restore the facts keep.
type VeleroRestore struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		BackupName   string `json:"backupName"`
		ScheduleName string `json:"scheduleName"`
	} `json:"spec"`
	Status struct {
		Phase               string       `json:"phase"`
		CompletionTimestamp *metav1.Time `json:"completionTimestamp"`
	} `json:"status"`
}

// veleroServed returns the velero.io/v1 resources the cluster serves; none (and no error)
// when it does not serve the group.
func (t Target) veleroServed() ([]string, error) {
	list, err := t.Client.Discovery().ServerResourcesForGroupVersion(veleroGroupVersion)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", veleroGroupVersion, err)
	}
	var out []string
	for _, r := range list.APIResources {
		out = append(out, r.Name)
	}
	return out, nil
}

// eachVelero lists a velero.io/v1 resource (plural) in every namespace, page by page, and
// calls fn with each item decoded into T. The scheme-less REST client of the clientset
// reads it, so no dynamic client is needed.
func eachVelero[T any](ctx context.Context, t Target, resource string, fn func(*T)) error {
	list := listPath(t, "/apis/"+veleroGroupVersion+"/"+resource)
	var convErr error
	err := listEach(ctx, t, resource+".velero.io", list, func() {}, func(u *unstructured.Unstructured) {
		var x T
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), &x); err != nil && convErr == nil {
			convErr = fmt.Errorf("decode %s %s/%s: %w", resource, u.GetNamespace(), u.GetName(), err)
			return
		}
		fn(&x)
	})
	if err != nil {
		return err
	}
	return convErr
}

// VeleroObjects lists what the cluster's Velero has. Installed is false, and the rest empty,
// when velero.io/v1 Backups are not served.
func (t Target) VeleroObjects(ctx context.Context) (BackupObjects, error) {
	var in BackupObjects
	served, err := t.veleroServed()
	if err != nil || !slices.Contains(served, "backups") {
		return in, err
	}
	in.Installed = true
	steps := []func() error{
		func() error {
			return eachVelero(ctx, t, "backups", func(x *VeleroBackup) { in.Backups = append(in.Backups, compactBackup(x)) })
		},
	}
	if slices.Contains(served, "backupstoragelocations") {
		steps = append(steps, func() error {
			return eachVelero(ctx, t, "backupstoragelocations", func(x *VeleroLocation) { in.Locations = append(in.Locations, x) })
		})
	}
	if slices.Contains(served, "schedules") {
		steps = append(steps, func() error {
			return eachVelero(ctx, t, "schedules", func(x *VeleroSchedule) { in.Schedules = append(in.Schedules, x) })
		})
	}
	if slices.Contains(served, "restores") {
		steps = append(steps, func() error {
			return eachVelero(ctx, t, "restores", func(x *VeleroRestore) { in.Restores = append(in.Restores, x) })
		})
	}
	return in, parallel(steps...)
}

// compactBackup keeps of a Backup's metadata only its name, namespace and schedule label:
// clusters keep hundreds of backups.
func compactBackup(x *VeleroBackup) *VeleroBackup {
	m := metav1.ObjectMeta{Namespace: x.Namespace, Name: x.Name, CreationTimestamp: x.CreationTimestamp}
	if s := x.Labels[veleroScheduleLabel]; s != "" {
		m.Labels = map[string]string{veleroScheduleLabel: s}
	}
	x.ObjectMeta = m
	return x
}
