package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/reports"
)

// demoSnapshot writes the demo fleet's facts into a folder with fleetaudit snapshot.
func demoSnapshot(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "facts")
	if code, _, errOut := runCLI(t, "snapshot", "--demo", "--output-dir", dir); code != exitOK {
		t.Fatalf("snapshot --demo: exit %d: %s", code, errOut)
	}
	return dir
}

// auditPart runs audit --shard on the snapshot and writes its JSON into a file.
func auditPart(t *testing.T, snap, shard string, extra ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"audit", "--snapshot", snap, "--shard", shard, "-o", "json"}, extra...)...)
	if code != exitOK {
		t.Fatalf("audit --shard %s: exit %d: %s", shard, code, errOut)
	}
	f := filepath.Join(t.TempDir(), "part-"+strings.ReplaceAll(shard, "/", "-of-")+".json")
	if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// document decodes a report as generic JSON, without generatedAt (the time of each run).
func document(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	delete(m, "generatedAt")
	return m
}

// withoutShards checks the merged document's shards field and removes it: the one field a
// merge has that an audit of the whole fleet has not.
func withoutShards(t *testing.T, m map[string]any, count int, missing []int) {
	t.Helper()
	s, ok := m["shards"].(map[string]any)
	if !ok {
		t.Fatalf("merged report has no shards: %v", m["shards"])
	}
	var present []any
	var miss []any = []any{}
	for i := range count {
		if slices.Contains(missing, i) {
			miss = append(miss, float64(i))
		} else {
			present = append(present, float64(i))
		}
	}
	want := map[string]any{"count": float64(count), "present": present, "missing": miss}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("shards = %v, want %v", s, want)
	}
	delete(m, "shards")
}

// With --waivers too: the merged waiver summary (waived, matched, stale) is the whole run's.
func TestShardedAuditMergesToTheWholeAudit(t *testing.T) {
	snap := demoSnapshot(t)
	for _, extra := range [][]string{nil, {"--waivers", "../../examples/waivers.yaml"}} {
		shardedAuditMerges(t, snap, extra)
	}
}

func shardedAuditMerges(t *testing.T, snap string, extra []string) {
	code, whole, errOut := runCLI(t, append([]string{"audit", "--snapshot", snap, "-o", "json"}, extra...)...)
	if code != exitOK {
		t.Fatalf("audit: exit %d: %s", code, errOut)
	}
	if !strings.Contains(whole, `"findings"`) || strings.Contains(whole, `"shards"`) {
		t.Fatalf("the whole audit has no findings, or a shards field:\n%.400s", whole)
	}
	if len(extra) > 0 && !strings.Contains(whole, `"stale"`) {
		t.Fatalf("audit %v has no waiver summary", extra)
	}
	for _, n := range []int{2, 3} {
		var parts []string
		sizes := 0
		for i := range n {
			p := auditPart(t, snap, itoa(i)+"/"+itoa(n), extra...)
			b, _ := os.ReadFile(p)
			r := decodeAudit(t, string(b))
			if r.Shards == nil || r.Shards.Count != n || len(r.Shards.Present) != 1 || r.Shards.Present[0] != i || len(r.Shards.Missing) != n-1 {
				t.Errorf("part %d/%d: shards = %+v", i, n, r.Shards)
			}
			if len(r.Clusters) == 3 {
				t.Errorf("part %d/%d holds the whole fleet: sharding filtered nothing", i, n)
			}
			sizes += len(r.Clusters)
			parts = append(parts, p)
		}
		if sizes != 3 {
			t.Errorf("%d shards hold %d clusters, want the 3 of the demo fleet", n, sizes)
		}
		code, merged, errOut := runCLI(t, append([]string{"merge", "-o", "json"}, parts...)...)
		if code != exitOK {
			t.Fatalf("merge of %d parts: exit %d: %s", n, code, errOut)
		}
		m, w := document(t, merged), document(t, whole)
		withoutShards(t, m, n, nil)
		if !reflect.DeepEqual(m, w) {
			for k := range w {
				if !reflect.DeepEqual(m[k], w[k]) {
					t.Errorf("%d shards %v: merged %q differs from the whole audit's", n, extra, k)
				}
			}
			t.Fatalf("%d shards %v: merged report differs from the whole audit", n, extra)
		}
		// The text, not only the decoded values: numbers in findings' details are kept as
		// written (a float64 round trip would shorten them).
		if strings.Count(merged, `"share": `) == 0 || !sameLines(merged, whole, `"share": `) {
			t.Errorf("%d shards: numbers in details differ from the whole audit's text", n)
		}
	}
}

// sameLines reports whether a and b have the same lines containing sub, in order.
func sameLines(a, b, sub string) bool {
	pick := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, sub) {
				out = append(out, strings.TrimSpace(l))
			}
		}
		return out
	}
	return slices.Equal(pick(a), pick(b))
}

func TestMergeWithAMissingShardIsIncomplete(t *testing.T) {
	snap := demoSnapshot(t)
	// Of 3 shards, the demo fleet leaves shard 1 empty (see TestShardsCommand) and shard 2
	// with two clusters: leaving out either is a missing shard, never a smaller fleet.
	p0, p1, p2 := auditPart(t, snap, "0/3"), auditPart(t, snap, "1/3"), auditPart(t, snap, "2/3")
	b, _ := os.ReadFile(p1)
	if r := decodeAudit(t, string(b)); len(r.Clusters) != 0 || r.Clusters == nil {
		t.Fatalf("shard 1/3 of the demo fleet: want an empty part with clusters [], got %d clusters", len(r.Clusters))
	}
	for _, c := range []struct {
		parts    []string
		missing  []int
		clusters int
	}{
		{[]string{p0, p2}, []int{1}, 3},
		{[]string{p1, p0}, []int{2}, 1},
	} {
		code, out, errOut := runCLI(t, append([]string{"merge", "-o", "json"}, c.parts...)...)
		if code != exitIncomplete {
			t.Errorf("merge without shard %v: exit %d, want %d (incomplete): %s", c.missing, code, exitIncomplete, errOut)
		}
		m := document(t, out)
		withoutShards(t, m, 3, c.missing)
		if r := decodeAudit(t, out); r.Summary.Clusters != c.clusters || len(r.Clusters) != c.clusters {
			t.Errorf("merge without shard %v: %d clusters, want %d", c.missing, r.Summary.Clusters, c.clusters)
		}
		_, table, _ := runCLI(t, append([]string{"merge"}, c.parts...)...)
		want := "shards: 2 of 3 parts (present "
		if !strings.Contains(table, want) || !strings.Contains(table, "missing "+itoa(c.missing[0])+": their clusters are not in this report") {
			t.Errorf("table summary does not name the missing shard %v:\n%s", c.missing, lastLine(table))
		}
		for _, format := range []string{"md", "html"} {
			_, doc, _ := runCLI(t, append([]string{"merge", "-o", format}, c.parts...)...)
			if !strings.Contains(doc, "Shards: 2 of 3 parts") || !strings.Contains(doc, "missing "+itoa(c.missing[0])) {
				t.Errorf("-o %s does not name the missing shard %v", format, c.missing)
			}
		}
	}
}

func TestMergeBadInput(t *testing.T) {
	snap := demoSnapshot(t)
	p0, p1 := auditPart(t, snap, "0/2"), auditPart(t, snap, "1/2")
	other := auditPart(t, snap, "1/3")
	dir := t.TempDir()
	edit := func(name, from string, change func(m map[string]any)) string {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		out, _ := json.Marshal(m)
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	oldSchema := edit("old-schema.json", p1, func(m map[string]any) { m["schemaVersion"] = "fleetaudit.io/report/v1alpha1" })
	otherRules := edit("other-rules.json", p1, func(m map[string]any) {
		m["rules"].([]any)[0].(map[string]any)["severity"] = "info"
	})
	fewerRules := edit("fewer-rules.json", p1, func(m map[string]any) { m["rules"] = m["rules"].([]any)[1:] })
	twice := edit("shard-1-with-shard-0s-cluster.json", p0, func(m map[string]any) {
		m["shards"] = map[string]any{"count": 2, "present": []int{1}, "missing": []int{0}}
	})
	b, _ := os.ReadFile(p1)
	truncated := filepath.Join(dir, "truncated.json")
	if err := os.WriteFile(truncated, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	code, whole, _ := runCLI(t, "audit", "--snapshot", snap, "-o", "json")
	if code != exitOK {
		t.Fatal("audit failed")
	}
	unsharded := filepath.Join(dir, "whole.json")
	if err := os.WriteFile(unsharded, []byte(whole), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		parts []string
		want  []string
	}{
		{"schema versions", []string{p0, oldSchema}, []string{oldSchema, `schemaVersion "fleetaudit.io/report/v1alpha1"`}},
		{"rule severities", []string{p0, otherRules}, []string{otherRules, "same rules"}},
		{"rule ids", []string{p0, fewerRules}, []string{fewerRules, "is not in it"}},
		{"shard counts", []string{p0, other}, []string{other, "a part of 3 shards", "a part of 2"}},
		{"cluster twice", []string{p0, twice}, []string{twice, `cluster "prod-eu-west" is also in ` + p0}},
		{"shard twice", []string{p1, p1}, []string{"shard 1/2 is also in"}},
		{"truncated", []string{p0, truncated}, []string{truncated, "truncated"}},
		{"not a part", []string{p0, unsharded}, []string{unsharded, "not a shard's report"}},
		{"no file", []string{p0, filepath.Join(dir, "nope.json")}, []string{"nope.json"}},
	} {
		code, out, errOut := runCLI(t, append([]string{"merge", "-o", "json"}, c.parts...)...)
		if code != exitUsage || out != "" {
			t.Errorf("%s: exit %d, stdout %.80q; want exit 2 and nothing written", c.name, code, out)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: error %q lacks %q", c.name, strings.TrimSpace(errOut), w)
			}
		}
		hist := filepath.Join(dir, "history-"+strings.ReplaceAll(c.name, " ", "-"))
		if code, _, _ := runCLI(t, append([]string{"merge", "--output-dir", hist}, c.parts...)...); code != exitUsage {
			t.Errorf("%s: merge --output-dir: exit %d, want 2", c.name, code)
		}
		if _, err := os.Stat(hist); !os.IsNotExist(err) {
			t.Errorf("%s: merge --output-dir wrote %s on bad input", c.name, hist)
		}
	}
}

func TestShardFlags(t *testing.T) {
	snap := demoSnapshot(t)
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("HOSTNAME", "laptop")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "3/2"}, "shard index 3 of 2"},
		{[]string{"--shard", "x"}, "want INDEX/COUNT"},
		{[]string{"--shard", "0/0"}, "shard count 0"},
		{[]string{"--shards", "4"}, "no shard index: neither JOB_COMPLETION_INDEX"},
		{[]string{"--shard", "0/2", "--shards", "3"}, "disagree on the number of parts"},
	} {
		for _, cmd := range [][]string{{"audit", "--snapshot", snap}, {"snapshot", "--demo", "--output-dir", filepath.Join(t.TempDir(), "s")}} {
			code, out, errOut := runCLI(t, append(cmd, c.args...)...)
			if code != exitUsage || !strings.Contains(errOut, c.want) {
				t.Errorf("%s %v: exit %d, stderr %q; want exit 2 and %q", cmd[0], c.args, code, errOut, c.want)
			}
			if cmd[0] == "audit" && out != "" {
				t.Errorf("audit %v wrote output on a usage error", c.args)
			}
		}
	}
	want := decodeAudit(t, mustRun(t, "audit", "--snapshot", snap, "--shard", "1/2", "-o", "json"))
	for _, env := range [][2]string{{"JOB_COMPLETION_INDEX", "1"}, {"HOSTNAME", "fleetaudit-1"}} {
		t.Setenv(env[0], env[1])
		got := decodeAudit(t, mustRun(t, "audit", "--snapshot", snap, "--shards", "2", "-o", "json"))
		if !reflect.DeepEqual(clusterNames(got.Clusters), clusterNames(want.Clusters)) || got.Shards == nil || got.Shards.Present[0] != 1 {
			t.Errorf("--shards 2 with %s=%s: clusters %v, shards %+v; want those of --shard 1/2: %v", env[0], env[1], clusterNames(got.Clusters), got.Shards, clusterNames(want.Clusters))
		}
		t.Setenv(env[0], "")
	}
	// snapshot --shard writes only the shard's facts.
	dir := filepath.Join(t.TempDir(), "part")
	mustRun(t, "snapshot", "--demo", "--shard", "1/2", "--output-dir", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(want.Clusters) {
		t.Errorf("snapshot --shard 1/2 wrote %v, want the %d clusters of shard 1", files, len(want.Clusters))
	}
}

func TestShardsCommand(t *testing.T) {
	out := mustRun(t, "shards", "--shards", "3", "--demo")
	for _, w := range []string{"prod-eu-west     0/3", "prod-us-central  2/3", "staging-eastus   2/3", "clusters per shard: 0:1 1:0 2:2"} {
		if !strings.Contains(out, w) {
			t.Errorf("shards table lacks %q:\n%s", w, out)
		}
	}
	var l shardList
	if err := json.Unmarshal([]byte(mustRun(t, "shards", "--shards", "2", "--demo", "-o", "json")), &l); err != nil {
		t.Fatal(err)
	}
	// Every cluster is where audit --shard puts it.
	for _, c := range l.Clusters {
		r := decodeAudit(t, mustRun(t, "audit", "--demo", "--shard", itoa(c.Shard)+"/2", "-o", "json"))
		if !slices.Contains(clusterNames(r.Clusters), c.Cluster) {
			t.Errorf("shards says %s is in shard %d/2; audit --shard %d/2 audits %v", c.Cluster, c.Shard, c.Shard, clusterNames(r.Clusters))
		}
	}
	if code, _, errOut := runCLI(t, "shards", "--demo"); code != exitUsage || !strings.Contains(errOut, "--shards N is required") {
		t.Errorf("shards without --shards: exit %d, %q", code, errOut)
	}
}

func TestReportFromMergedParts(t *testing.T) {
	snap := demoSnapshot(t)
	p0, p1 := auditPart(t, snap, "0/2"), auditPart(t, snap, "1/2")
	hist := filepath.Join(t.TempDir(), "reports")
	for run := range 2 {
		out := mustRun(t, "report", "--output-dir", hist, "--format", "json,html,md,csv", "--from", p0, "--from", p1)
		if !strings.Contains(out, "of 2 merged parts") {
			t.Errorf("report --from: %s", out)
		}
		runs, _ := filepath.Glob(filepath.Join(hist, "20*", "report.json"))
		if len(runs) != run+1 {
			t.Fatalf("run %d: history has %v", run, runs)
		}
		b, _ := os.ReadFile(runs[len(runs)-1])
		r := decodeAudit(t, string(b))
		if r.Summary.Clusters != 3 || r.Shards == nil || len(r.Shards.Missing) != 0 {
			t.Errorf("run %d: report.json of the merged parts: %d clusters, shards %+v", run, r.Summary.Clusters, r.Shards)
		}
		if run == 1 && (r.Changes == nil || len(r.Changes.New) != 0 || r.Changes.Unchanged == 0) {
			t.Errorf("second run of the same parts: changes %+v, want every finding unchanged", r.Changes)
		}
		if run == 0 { // a run is named by the parts' generatedAt: audit them again a second later
			time.Sleep(1100 * time.Millisecond)
			p0, p1 = auditPart(t, snap, "0/2"), auditPart(t, snap, "1/2")
		}
	}
	if code, _, errOut := runCLI(t, "report", "--output-dir", hist, "--from", p0, "--demo"); code != exitUsage || !strings.Contains(errOut, "--demo and merged parts cannot be combined") {
		t.Errorf("report --from --demo: exit %d, %q", code, errOut)
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func itoa(i int) string { return strconv.Itoa(i) }

func clusterNames(cs []reports.ClusterReport) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}
