package collectors

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var backupNow = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)

func TestCronInterval(t *testing.T) {
	for expr, want := range map[string]time.Duration{
		"0 2 * * *":             24 * time.Hour,
		"@daily":                24 * time.Hour,
		"@every 6h":             6 * time.Hour,
		"*/15 * * * *":          15 * time.Minute,
		"0 2 * * 1-5":           72 * time.Hour, // Friday 02:00 to Monday 02:00
		"0 3 * * 0":             7 * 24 * time.Hour,
		"0 0 1 * *":             31 * 24 * time.Hour,
		"CRON_TZ=UTC 0 1 * * *": 24 * time.Hour,
	} {
		got, err := CronInterval(expr, backupNow)
		if err != nil || got != want {
			t.Errorf("CronInterval(%q) = %v, %v; want %v", expr, got, err, want)
		}
	}
	for _, expr := range []string{"", "not cron", "0 2 * *", "0 0 30 2 *"} {
		if d, err := CronInterval(expr, backupNow); err == nil {
			t.Errorf("CronInterval(%q) = %v, want an error", expr, d)
		}
	}
}

func TestCoversNamespace(t *testing.T) {
	for _, tc := range []struct {
		inc, exc []string
		ns       string
		want     bool
	}{
		{nil, nil, "shop", true},
		{[]string{"*"}, nil, "shop", true},
		{[]string{"*"}, []string{"shop"}, "shop", false},
		{[]string{"shop"}, nil, "shop", true},
		{[]string{"shop"}, nil, "ops", false},
		{[]string{"team-*"}, nil, "team-a", true},
		{[]string{"team-*"}, []string{"team-b"}, "team-b", false},
		{nil, []string{"kube-*"}, "kube-system", false},
	} {
		if got := CoversNamespace(tc.inc, tc.exc, tc.ns); got != tc.want {
			t.Errorf("CoversNamespace(%v, %v, %s) = %v", tc.inc, tc.exc, tc.ns, got)
		}
	}
}

// veleroObj decodes a Velero object from JSON as the collector receives it.
func veleroObj[T any](t *testing.T, doc string) *T {
	t.Helper()
	var x T
	if err := json.Unmarshal([]byte(doc), &x); err != nil {
		t.Fatal(err)
	}
	return &x
}

func ago(d time.Duration) string { return backupNow.Add(-d).Format(time.RFC3339) }

func TestBuildBackup(t *testing.T) {
	day := 24 * time.Hour
	backup := func(name, schedule, phase string, done time.Duration, included ...string) *VeleroBackup {
		b := veleroObj[VeleroBackup](t, `{"metadata":{"namespace":"velero","name":"`+name+`","labels":{"velero.io/schedule-name":"`+schedule+`"}},
			"status":{"phase":"`+phase+`","startTimestamp":"`+ago(done+time.Minute)+`","completionTimestamp":"`+ago(done)+`"}}`)
		b.Spec.IncludedNamespaces = included
		if schedule == "nightly" { // as the schedule's template says
			b.Spec.ExcludedNamespaces = []string{"scratch"}
		}
		if schedule == "" {
			b.Labels = nil
		}
		return b
	}
	in := BackupObjects{Installed: true,
		Locations: []*VeleroLocation{
			veleroObj[VeleroLocation](t, `{"metadata":{"namespace":"velero","name":"default"},"spec":{"provider":"aws","default":true,"objectStorage":{"bucket":"b"},"credential":{"name":"cloud","key":"k"}},"status":{"phase":"Unavailable","message":"bucket not found"}}`),
		},
		Schedules: []*VeleroSchedule{
			veleroObj[VeleroSchedule](t, `{"metadata":{"namespace":"velero","name":"nightly"},"spec":{"schedule":"0 2 * * *","template":{"includedNamespaces":["*"],"excludedNamespaces":["scratch"]}},"status":{"phase":"Enabled","lastBackup":"`+ago(day)+`"}}`),
			veleroObj[VeleroSchedule](t, `{"metadata":{"namespace":"velero","name":"shop"},"spec":{"schedule":"@every 6h","paused":true,"template":{"includedNamespaces":["shop"]}}}`),
		},
		Backups: []*VeleroBackup{
			backup("nightly-1", "nightly", "Completed", 2*day),
			backup("nightly-2", "nightly", "Failed", day),
			backup("shop-1", "shop", "Completed", 21*day, "shop"),
			backup("shop-0", "shop", "PartiallyFailed", 40*day, "shop"),
			backup("manual", "", "InProgress", 0),
		},
		Restores: []*VeleroRestore{
			veleroObj[VeleroRestore](t, `{"metadata":{"namespace":"velero","name":"drill"},"spec":{"backupName":"nightly-1"},"status":{"phase":"Completed","completionTimestamp":"`+ago(10*day)+`"}}`),
			veleroObj[VeleroRestore](t, `{"metadata":{"namespace":"velero","name":"drill-2"},"spec":{"backupName":"nightly-2"},"status":{"phase":"Failed","completionTimestamp":"`+ago(day)+`"}}`),
		},
		Workloads: map[string]int{"shop": 2, "scratch": 1},
	}
	got := BuildBackup(in, backupNow)
	b, _ := json.Marshal(got)
	doc := string(b)
	if strings.Contains(doc, "cloud") || strings.Contains(doc, "credential") {
		t.Errorf("facts name the location's credential: %s", doc)
	}
	if len(got.Locations) != 1 || got.Locations[0].Phase != "Unavailable" || got.Locations[0].Bucket != "b" || !got.Locations[0].Default {
		t.Errorf("locations %+v", got.Locations)
	}
	nightly, shop := got.Schedules[0], got.Schedules[1]
	if nightly.IntervalSeconds != 86400 || nightly.LastSuccessful == nil || nightly.LastSuccessful.Name != "nightly-1" ||
		nightly.Latest.Name != "nightly-2" || nightly.LastBackup == nil || !nightly.LastBackup.Equal(backupNow.Add(-day)) {
		t.Errorf("nightly %+v", nightly)
	}
	if !shop.Paused || shop.IntervalSeconds != 6*3600 || shop.LastSuccessful.Name != "shop-1" || shop.Latest.Name != "shop-1" {
		t.Errorf("shop %+v", shop)
	}
	if got.Backups != 5 || got.LastSuccessful.Name != "nightly-1" {
		t.Errorf("backups %d, last successful %+v", got.Backups, got.LastSuccessful)
	}
	// shop-0 failed 40 days ago: outside the history kept.
	if len(got.Failed) != 1 || got.Failed[0].Name != "nightly-2" {
		t.Errorf("failed %+v", got.Failed)
	}
	if got.Restores != 2 || got.LastRestore == nil || got.LastRestore.Name != "drill" || got.LastRestore.Backup != "nightly-1" {
		t.Errorf("restores %d, last %+v", got.Restores, got.LastRestore)
	}
	if len(got.Namespaces) != 2 {
		t.Fatalf("namespaces %+v", got.Namespaces)
	}
	scratch, shopNS := got.Namespaces[0], got.Namespaces[1]
	if scratch.Name != "scratch" || len(scratch.Schedules) != 0 || scratch.LastBackup != nil {
		t.Errorf("scratch %+v (excluded by nightly; not in shop)", scratch)
	}
	if shopNS.Workloads != 2 || strings.Join(shopNS.Schedules, ",") != "velero/nightly,velero/shop" || shopNS.LastBackup.Name != "nightly-1" {
		t.Errorf("shop namespace %+v", shopNS)
	}
}

func TestBuildBackupNotInstalled(t *testing.T) {
	got := BuildBackup(BackupObjects{Workloads: map[string]int{"shop": 1}}, backupNow)
	b, _ := json.Marshal(got)
	want := `{"installed":false,"locations":[],"schedules":[],"backups":0,"failed":[],"restores":0,"namespaces":[{"name":"shop","workloads":1,"schedules":[]}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
