package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/reports"
)

// latestReport reads report.json of the newest run in a history folder.
func latestReport(t *testing.T, dir string) reports.Report {
	t.Helper()
	runs, err := filepath.Glob(filepath.Join(dir, "*", "report.json"))
	if err != nil || len(runs) == 0 {
		t.Fatalf("no report in %s: %v", dir, err)
	}
	b, err := os.ReadFile(runs[len(runs)-1])
	if err != nil {
		t.Fatal(err)
	}
	var r reports.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReportPartsDir: the pods of an Indexed Job each run `report --shards N --parts-dir
// RUN`; every shard writes its part and the shard of index 0 waits for the others and writes
// the merged report (the whole demo fleet, nothing missing); a retried pod 0 does not write
// it twice; a shard that never comes is named missing (exit 3) after --merge-timeout.
func TestReportPartsDir(t *testing.T) {
	parts, out := t.TempDir(), t.TempDir()
	shard := func(i string, extra ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append([]string{"report", "--demo", "--shard", i + "/3", "--parts-dir", parts, "--output-dir", out, "--format", "json"}, extra...)...)
	}
	for _, i := range []string{"2", "1"} {
		if code, stdout, errOut := shard(i); code != exitOK || !strings.Contains(stdout, "wrote part "+i+"/3") {
			t.Fatalf("shard %s: exit %d\n%s%s", i, code, stdout, errOut)
		}
	}
	if runs, _ := filepath.Glob(filepath.Join(out, "*", "report.json")); len(runs) != 0 {
		t.Fatalf("a shard other than 0 wrote a report: %v", runs)
	}
	code, stdout, errOut := shard("0")
	if code != exitOK || !strings.Contains(stdout, "of 3 of 3 parts") {
		t.Fatalf("shard 0: exit %d\n%s%s", code, stdout, errOut)
	}
	r := latestReport(t, out)
	if len(r.Clusters) != 3 || r.Shards == nil || r.Shards.Count != 3 || len(r.Shards.Missing) != 0 {
		t.Fatalf("merged report: %d clusters, shards %+v", len(r.Clusters), r.Shards)
	}
	// A retried pod 0 answers what the merge answered, and writes nothing more.
	code, stdout, _ = shard("0")
	runs, _ := filepath.Glob(filepath.Join(out, "*", "report.json"))
	if code != exitOK || !strings.Contains(stdout, "merged already") || len(runs) != 1 {
		t.Errorf("retried shard 0: exit %d, %d runs\n%s", code, len(runs), stdout)
	}

	// Only shard 0 of a new run: after the timeout, the missing shards are named; exit 3.
	parts, out = t.TempDir(), t.TempDir()
	code, stdout, errOut = shard("0", "--merge-timeout", "300ms")
	if code != exitIncomplete {
		t.Fatalf("lone shard 0: exit %d\n%s%s", code, stdout, errOut)
	}
	if r := latestReport(t, out); r.Shards == nil || len(r.Shards.Missing) != 2 {
		t.Errorf("lone shard 0: shards %+v, want 1 and 2 missing", r.Shards)
	}

	if code, _, errOut := runCLI(t, "report", "--demo", "--parts-dir", parts, "--output-dir", out); code != exitUsage || !strings.Contains(errOut, "--parts-dir needs --shard") {
		t.Errorf("--parts-dir without a shard: exit %d: %s", code, errOut)
	}
}
