package collectors

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/internal/testkit/velero"
)

// createDeployment creates a Deployment named name in namespace ns (created if needed).
func createDeployment(t *testing.T, cl *testcluster.Cluster, ns, name string) {
	t.Helper()
	cl.CreateNamespace(t, ns)
	labels := map[string]string{"app": name}
	_, err := cl.Admin.AppsV1().Deployments(ns).Create(context.Background(), &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/" + name + ":1.0"}}}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create deployment %s/%s: %v", ns, name, err)
	}
}

// backupFindings collects a cluster with every collector, evaluates the embedded rules and
// returns the facts (collected as of collectedAt) and the backup rules' findings as "RULE severity Kind/namespace/name".
func backupFindings(t *testing.T, cl *testcluster.Cluster, engine *policy.Engine, collectedAt time.Time) (*facts.Cluster, []string) {
	t.Helper()
	ctx := context.Background()
	c := &facts.Cluster{Name: cl.Name, CollectedAt: collectedAt}
	Run(ctx, All(Config{}), Target{Client: cl.Admin, PageSize: 2}, c)
	if c.Status() != facts.StatusOK {
		t.Fatalf("collection: %s", c.Problem())
	}
	fs, err := engine.Evaluate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		if strings.HasPrefix(f.RuleID, "FA-BAK-") {
			out = append(out, fmt.Sprintf("%s %s %s/%s/%s", f.RuleID, f.Severity, f.Resource.Kind, f.Resource.Namespace, f.Resource.Name))
		}
	}
	slices.Sort(out)
	return c, out
}

// TestBackupOnRealCluster installs Velero's published CRDs into a real API server and seeds
// a stale schedule (its last backup completed three weeks ago), a healthy schedule with a
// recent failed backup, an Available and an Unavailable location, a restore drill, and
// namespaces with Deployments, one of which no schedule includes. The backup rules find
// exactly those problems and nothing on the healthy objects. A second cluster without the
// CRDs gives one "not installed" finding and no collector error. Pages of 2 items make the
// Velero LISTs paginate.
func TestBackupOnRealCluster(t *testing.T) {
	f := testcluster.Start(t, "velero", "bare")
	cl, bare := f.Cluster("velero"), f.Cluster("bare")
	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	velero.Install(t, cl.Config)
	now := time.Now().UTC().Truncate(time.Second) // the facts' collectedAt: ages are measured from it
	at := func(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }
	day := 24 * time.Hour
	for _, ns := range []string{"velero", "payments", "shop", "orphan"} {
		createDeployment(t, cl, ns, ns+"-app")
	}
	createDeployment(t, cl, "kube-system", "coredns") // exempt
	create := func(resource, doc string) { velero.Create(t, cl.Config, resource, doc) }
	create("backupstoragelocations", `
metadata: {namespace: velero, name: default}
spec: {provider: aws, default: true, objectStorage: {bucket: backups}, credential: {name: cloud-credentials, key: cloud}}
status: {phase: Available, lastValidationTime: "`+at(time.Minute)+`"}`)
	create("backupstoragelocations", `
metadata: {namespace: velero, name: secondary}
spec: {provider: gcp, objectStorage: {bucket: dr}}
status: {phase: Unavailable, message: "bucket dr not found"}`)
	create("schedules", `
metadata: {namespace: velero, name: nightly}
spec: {schedule: "0 2 * * *", template: {includedNamespaces: [payments], storageLocation: default}}
status: {phase: Enabled, lastBackup: "`+at(2*time.Hour)+`"}`)
	create("schedules", `
metadata: {namespace: velero, name: legacy}
spec: {schedule: "0 3 * * *", template: {includedNamespaces: [shop]}}
status: {phase: Enabled, lastBackup: "`+at(21*day)+`"}`)
	backup := func(name, schedule, ns, phase string, done time.Duration) {
		create("backups", `
metadata: {namespace: velero, name: `+name+`, labels: {velero.io/schedule-name: `+schedule+`}}
spec: {includedNamespaces: [`+ns+`], storageLocation: default}
status: {phase: `+phase+`, startTimestamp: "`+at(done+10*time.Minute)+`", completionTimestamp: "`+at(done)+`", errors: 0}`)
	}
	backup("nightly-1", "nightly", "payments", "Completed", 29*time.Hour)
	backup("nightly-2", "nightly", "payments", "Completed", 5*time.Hour)
	backup("nightly-3", "nightly", "payments", "Failed", 2*time.Hour)
	backup("legacy-1", "legacy", "shop", "Completed", 21*day)
	create("restores", `
metadata: {namespace: velero, name: drill}
spec: {backupName: nightly-1}
status: {phase: Completed, completionTimestamp: "`+at(10*day)+`"}`)

	c, got := backupFindings(t, cl, engine, now)
	want := []string{
		"FA-BAK-002 medium BackupStorageLocation/velero/secondary",
		"FA-BAK-005 high Schedule/velero/legacy",
		"FA-BAK-006 medium Schedule/velero/nightly",
		"FA-BAK-007 medium Namespace//orphan",
	}
	if !slices.Equal(got, want) {
		t.Errorf("backup findings:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	b := c.Backup
	if !b.Installed || b.Backups != 4 || b.Restores != 1 || len(b.Locations) != 2 || len(b.Schedules) != 2 {
		t.Fatalf("backup facts %+v", b)
	}
	legacy, nightly := b.Schedules[0], b.Schedules[1]
	if legacy.Name != "legacy" || legacy.IntervalSeconds != 86400 || legacy.LastSuccessful == nil || legacy.LastSuccessful.Name != "legacy-1" {
		t.Errorf("legacy schedule %+v", legacy)
	}
	if nightly.LastSuccessful == nil || nightly.LastSuccessful.Name != "nightly-2" || nightly.Latest.Name != "nightly-3" || nightly.Latest.Phase != "Failed" {
		t.Errorf("nightly schedule %+v", nightly)
	}
	if b.LastSuccessful == nil || b.LastSuccessful.Name != "nightly-2" || b.LastRestore == nil || b.LastRestore.Name != "drill" {
		t.Errorf("last backup %+v, last restore %+v", b.LastSuccessful, b.LastRestore)
	}
	var nss []string
	for _, ns := range b.Namespaces {
		last := "-"
		if ns.LastBackup != nil {
			last = ns.LastBackup.Name
		}
		nss = append(nss, fmt.Sprintf("%s:%d:%s:%s", ns.Name, ns.Workloads, strings.Join(ns.Schedules, "+"), last))
	}
	if got, want := strings.Join(nss, " "), "kube-system:1::- orphan:1::- payments:1:velero/nightly:nightly-2 shop:1:velero/legacy:legacy-1 velero:1::-"; got != want {
		t.Errorf("namespaces\n got %s\nwant %s", got, want)
	}
	for _, fnd := range mustEvaluate(t, engine, c) {
		if fnd.RuleID == "FA-BAK-005" {
			if age := fnd.Details["ageSeconds"]; fmt.Sprint(age) != fmt.Sprint(int64(21*day/time.Second)) {
				t.Errorf("FA-BAK-005 ageSeconds %v, want 21 days", age)
			}
			if !strings.Contains(fnd.Message, "legacy-1 completed 21d ago, more than 2 × its interval of 1d") {
				t.Errorf("FA-BAK-005 message %q", fnd.Message)
			}
		}
	}

	// No Velero: one clear finding, and the collector succeeded.
	createDeployment(t, bare, "shop", "web")
	c, got = backupFindings(t, bare, engine, time.Now().UTC())
	if want := []string{"FA-BAK-001 high Cluster//bare"}; !slices.Equal(got, want) {
		t.Errorf("cluster without Velero: findings %v, want %v", got, want)
	}
	if c.Backup.Installed || len(c.Backup.Namespaces) != 1 {
		t.Errorf("cluster without Velero: facts %+v", c.Backup)
	}
}

func mustEvaluate(t *testing.T, e *policy.Engine, c *facts.Cluster) []policy.Finding {
	t.Helper()
	fs, err := e.Evaluate(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}
