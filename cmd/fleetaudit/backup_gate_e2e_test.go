package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/internal/testkit/velero"
)

// TestGateRequiresRecentBackup: on real API servers with Velero's CRDs, a profile with
// requirements.backup.maxAge 24h denies the cluster whose newest Completed backup is three
// days old, naming the backup and its age, and the cluster without Velero (fail closed);
// it allows the cluster whose backup completed an hour ago.
func TestGateRequiresRecentBackup(t *testing.T) {
	testcluster.RequireBinaries(t)
	f := testcluster.Start(t, "stale", "fresh", "none")
	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }
	for _, name := range []string{"stale", "fresh", "none"} {
		cl := f.Cluster(name)
		for _, n := range []string{"n1", "n2", "n3"} {
			cl.CreateNode(t, n, testcluster.NodeOptions{CPU: "8", Memory: "32Gi"})
		}
		if name == "none" {
			continue
		}
		velero.Install(t, cl.Config)
		cl.CreateNamespace(t, "velero")
		age := map[string]time.Duration{"stale": 72 * time.Hour, "fresh": time.Hour}[name]
		velero.Create(t, cl.Config, "backupstoragelocations", "metadata: {namespace: velero, name: default}\nspec: {provider: aws, default: true, objectStorage: {bucket: b}}\nstatus: {phase: Available}\n")
		velero.Create(t, cl.Config, "backups", `
metadata: {namespace: velero, name: pre-upgrade}
spec: {}
status: {phase: Completed, startTimestamp: "`+at(age+time.Minute)+`", completionTimestamp: "`+at(age)+`"}`)
	}
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "profile.yaml")
	write(t, profile, "apiVersion: fleetaudit.io/v1alpha1\nkind: ClusterProfile\nmetadata: {name: backup-gate}\nspec:\n  version: 1.0.0\n  kubernetesVersion: v1.35.0\n  selector: {clusters: [\"*\"]}\n  requirements:\n    backup: {maxAge: 24h}\n")
	code, out, errOut := runCLI(t, "gate", "--kubeconfig", kc, "--profile", profile, "-o", "json")
	var res policy.GateReport
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, out, errOut)
	}
	if code != exitFindings || res.Allowed || len(res.Decisions) != 3 {
		t.Fatalf("exit %d, allowed %v, %d decisions: want the fleet denied on 3 clusters", code, res.Allowed, len(res.Decisions))
	}
	want := map[string]string{
		"stale": "FA-BAK-009 high: the newest Completed backup, velero/pre-upgrade, is 3d old: the profile requires one younger than 24h",
		"none":  "FA-BAK-009 high: Velero is not installed, so there is no backup to restore if the upgrade goes wrong: the profile requires one younger than 24h",
	}
	for _, d := range res.Decisions {
		reasons := strings.Join(d.Reasons, "\n")
		switch w, denied := want[d.Cluster]; {
		case denied && (d.Allowed || reasons != w):
			t.Errorf("%s: allowed %v, reasons:\n%s\nwant exactly %q", d.Cluster, d.Allowed, reasons, w)
		case !denied && (!d.Allowed || strings.Contains(reasons, "FA-BAK")):
			t.Errorf("%s: allowed %v, reasons:\n%s", d.Cluster, d.Allowed, reasons)
		}
	}
}
