package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

// demoDoc is a demo cluster's facts document with its name replaced.
func demoDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../internal/demo/fleet/prod-eu-west.json")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(b), `"name": "prod-eu-west"`, `"name": "`+name+`"`, 1)
}

// TestHostileSnapshotsExitUsage: a snapshot folder that does not hold exactly one valid
// document per cluster is bad input: exit 2, nothing audited, one line naming the file, the
// line and JSON path, and what to do.
func TestHostileSnapshotsExitUsage(t *testing.T) {
	good := demoDoc(t, "prod-eu-west")
	after := fmt.Sprintf("line %d", strings.Count(good, "\n")+1) // the line after the document
	for name, tc := range map[string]struct {
		files map[string]string
		flags []string
		want  string
	}{
		"trailing garbage": {map[string]string{"a.json": good + `{"name": "smuggled"}`}, nil,
			"a.json: " + after + ": data after the end of the JSON document: a facts file holds exactly one document; remove everything after its closing }"},
		"duplicate names": {map[string]string{"a.json": good, "b.json": good}, nil,
			`a.json and DIR/b.json both hold cluster "prod-eu-west": a cluster is named once in a snapshot folder; remove one of the files`},
		"null node": {map[string]string{"a.json": strings.Replace(good, `"nodes": [`, `"nodes": [null, `, 1)}, nil,
			"a.json: line 13: nodes[0]: null is not allowed here: want an object (Node); remove the null"},
		"null section": {map[string]string{"a.json": strings.Replace(good, `"rbac": {`, `"rbac": null, "x": {`, 1)}, nil,
			"a.json: line 135: rbac: null is not allowed here: leave the field out when it has no value (fleetaudit never writes null here)"},
		"unknown field": {map[string]string{"a.json": strings.Replace(good, `"uid":`, `"clusterUID": "x", "uid":`, 1)}, nil,
			"a.json: line 5: clusterUID: unknown field (fields here: schemaVersion, name, server, uid,"},
		"over the size limit": {map[string]string{"a.json": good}, []string{"--max-snapshot-size", "4Ki"},
			", over the limit of 4 KiB (raise the limit with --max-snapshot-size)"}, // after the file's size
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for f, body := range tc.files {
				write(t, filepath.Join(dir, f), body)
			}
			code, out, errOut := runCLI(t, append([]string{"audit", "--snapshot", dir, "-o", "json"}, tc.flags...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if out != "" {
				t.Errorf("something was audited:\n%s", out)
			}
			got := strings.ReplaceAll(errOut, dir, "DIR")
			if !strings.HasPrefix(got, "fleetaudit audit: snapshot ") || !strings.Contains(got, tc.want) || strings.Count(got, "\n") != 1 {
				t.Errorf("stderr %q\nwant one line with %q", got, tc.want)
			}
		})
	}
}

// TestBadSnapshotIsBadInputForEveryCommand: one exit-code rule for bad input: every command
// that reads --snapshot exits 2 on a bad folder, before it audits or serves anything.
func TestBadSnapshotIsBadInputForEveryCommand(t *testing.T) {
	dir := t.TempDir()
	doc := demoDoc(t, "prod")
	write(t, filepath.Join(dir, "a.json"), doc+"garbage")
	want := fmt.Sprintf("a.json: line %d: data after the end of the JSON document", strings.Count(doc, "\n")+1)
	reports := t.TempDir()
	for _, args := range [][]string{
		{"audit"},
		{"report", "--output-dir", reports},
		{"gate", "--profile", "../../examples/profiles/platform-1.34.yaml"},
		{"plan", "platform-standard", "--catalog", "../../examples/profiles"},
		{"rbac", "who-can", "get", "secrets"},
		{"serve", "--listen", "127.0.0.1:0"},
	} {
		code, _, errOut := runCLI(t, append(args, "--snapshot", dir)...)
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stderr %s", args[0], code, errOut)
		}
	}
	if entries, _ := os.ReadDir(reports); len(entries) > 0 {
		t.Errorf("report wrote %d entries for a bad snapshot", len(entries))
	}
}

func TestMaxSnapshotSizeFlag(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.json"), demoDoc(t, "prod"))
	for _, bad := range []string{"0", "-1", "64MB", "lots"} {
		code, _, errOut := runCLI(t, "audit", "--snapshot", dir, "--max-snapshot-size", bad)
		if code != exitUsage || !strings.Contains(errOut, `--max-snapshot-size "`+bad+`": want a size in bytes, or a quantity such as 64Mi or 1Gi`) {
			t.Errorf("%s: exit %d %s", bad, code, errOut)
		}
	}
	for _, ok := range []string{"60Ki", "1Gi", "1000000"} {
		if code, _, errOut := runCLI(t, "audit", "--snapshot", dir, "--max-snapshot-size", ok); code == exitUsage {
			t.Errorf("%s: exit %d %s", ok, code, errOut)
		}
	}
	q, err := (&sourceFlags{maxSnap: defaultMaxSnapshotSize}).maxSnapshotSize()
	if err != nil || q != fleet.DefaultMaxSnapshotFileSize {
		t.Errorf("the flag's default %s is %d bytes, fleet's default %d", defaultMaxSnapshotSize, q, fleet.DefaultMaxSnapshotFileSize)
	}
}
