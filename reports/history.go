package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// History writes reports into dated folders of Dir: DIR/<UTC time>/ holds one run's files,
// DIR/index.html lists the runs. Every report shows the changes since the previous run.
//
// Writes are atomic: a run is rendered into a hidden temporary folder and renamed into place,
// and the index is replaced by rename after the run folder exists and before any old run is
// deleted, so a run killed at any point leaves the previous runs and an index whose links all
// resolve. Leftover temporary folders are removed by the next run.
type History struct {
	Dir string
	// Keep is how many runs to keep (0: all); KeepFor drops runs older than it (0: none).
	Keep    int
	KeepFor time.Duration
	// AfterFile, when set, is called after each file is written (a test seam for crash
	// tests).
	AfterFile func(path string)
}

// RunNameLayout names run folders; it sorts chronologically.
const RunNameLayout = "2006-01-02T150405Z"

var runNameRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{6}Z$`)

// Runs lists the completed run folders, oldest first.
func (h History) Runs() ([]string, error) {
	entries, err := os.ReadDir(h.Dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read report history: %w", err)
	}
	var runs []string
	for _, e := range entries {
		if e.IsDir() && runNameRE.MatchString(e.Name()) && fileExists(filepath.Join(h.Dir, e.Name(), FileName("json"))) {
			runs = append(runs, e.Name())
		}
	}
	slices.Sort(runs)
	return runs, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Previous loads the newest completed run's report, or nil.
func (h History) Previous() (*Report, error) {
	runs, err := h.Runs()
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	return ReadReport(filepath.Join(h.Dir, runs[len(runs)-1], FileName("json")))
}

// ReadReport reads a JSON report of this schema or an older one that still loads (v1alpha1:
// resources as "kind/namespace/name" strings, read into ResourceRef).
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	return decodeReport(path, b, "move it out of the history folder or upgrade fleetaudit")
}

// decodeReport decodes a JSON report read from path; fix tells what to do about a schema
// version this build does not read.
func decodeReport(path string, b []byte, fix string) (*Report, error) {
	return decodeReportNumbers(path, b, fix, false)
}

// decodeReportNumbers is decodeReport; with exact, numbers in findings' details are kept
// as written (json.Number), as a fresh audit has them, not rounded to float64.
func decodeReportNumbers(path string, b []byte, fix string, exact bool) (*Report, error) {
	var head struct {
		SchemaVersion *string `json:"schemaVersion"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%s: not a fleetaudit JSON report: %s", path, jsonProblem(err))
	}
	switch v := head.SchemaVersion; {
	case v == nil:
		return nil, fmt.Errorf("%s: not a fleetaudit report: it has no schemaVersion (a report is the JSON of fleetaudit audit -o json, or report.json of a report folder)", path)
	case strings.HasPrefix(*v, "fleetaudit.io/facts/"):
		return nil, fmt.Errorf("%s: a facts document (schemaVersion %q, written by fleetaudit snapshot), not a report: give the JSON of fleetaudit audit -o json, or report.json of a report folder", path, *v)
	case *v != ReportSchemaVersion && !slices.Contains(LegacyReportSchemaVersions, *v):
		return nil, fmt.Errorf("%s: schemaVersion %q is not one this build reads (%s, %s): it was written by another fleetaudit version; %s",
			path, *v, ReportSchemaVersion, strings.Join(LegacyReportSchemaVersions, ", "), fix)
	}
	var r Report
	dec := json.NewDecoder(bytes.NewReader(b))
	if exact {
		dec.UseNumber()
	}
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %s", path, jsonProblem(err))
	}
	// v1alpha1 wrote the cluster as a whole as "cluster": name it as v1alpha2 does.
	name := func(fs []policy.Finding) {
		for i := range fs {
			if fs[i].Resource.Kind == "Cluster" && fs[i].Resource.Name == "" {
				fs[i].Resource.Name = fs[i].Cluster
			}
		}
	}
	for _, c := range r.Clusters {
		name(c.Findings)
	}
	if r.Changes != nil {
		name(r.Changes.New)
		name(r.Changes.Resolved)
	}
	return &r, nil
}

// jsonProblem words a JSON decoding error, with the byte offset of a syntax error.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	switch {
	case err.Error() == "unexpected end of JSON input":
		return "the JSON ends early: the file is truncated (was it still being written?)"
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d: %v", syn.Offset, err)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Write adds a run: diffs r against the previous run, renders the formats (JSON always, as the
// history's memory), and updates the index and retention. It returns the run folder.
func (h History) Write(r *Report, formats []string) (string, error) {
	if err := os.MkdirAll(h.Dir, 0o755); err != nil {
		return "", fmt.Errorf("create report folder: %w", err)
	}
	h.cleanTemporary()
	prev, err := h.Previous()
	if err != nil {
		return "", err
	}
	r.Diff(prev)
	name := r.GeneratedAt.UTC().Format(RunNameLayout)
	final := filepath.Join(h.Dir, name)
	if fileExists(final) {
		return "", fmt.Errorf("a report for %s already exists in %s", name, h.Dir)
	}
	tmp, err := os.MkdirTemp(h.Dir, ".tmp-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("create report folder: %w", err)
	}
	if !slices.Contains(formats, "json") {
		formats = append(slices.Clone(formats), "json")
	}
	for _, f := range formats {
		files, err := Render(r, f)
		if err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
		for _, fn := range sortedKeys(files) {
			p := filepath.Join(tmp, fn)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				os.RemoveAll(tmp)
				return "", err
			}
			if err := writeSynced(p, files[fn]); err != nil {
				os.RemoveAll(tmp)
				return "", err
			}
			if h.AfterFile != nil {
				h.AfterFile(p)
			}
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("publish report: %w", err)
	}
	runs, err := h.Runs()
	if err != nil {
		return final, err
	}
	keep, drop := h.retain(runs, name, r.GeneratedAt)
	if err := h.writeIndex(keep); err != nil {
		return final, err
	}
	for _, d := range drop {
		if err := os.RemoveAll(filepath.Join(h.Dir, d)); err != nil {
			return final, fmt.Errorf("retention: %w", err)
		}
	}
	return final, nil
}

// retain splits runs into those kept and those dropped by Keep and KeepFor; the newest run is
// always kept.
func (h History) retain(runs []string, newest string, now time.Time) (keep, drop []string) {
	for i, r := range runs {
		t, _ := time.Parse(RunNameLayout, r)
		tooOld := h.KeepFor > 0 && now.Sub(t) > h.KeepFor
		tooMany := h.Keep > 0 && len(runs)-i > h.Keep
		if r != newest && (tooOld || tooMany) {
			drop = append(drop, r)
		} else {
			keep = append(keep, r)
		}
	}
	return keep, drop
}

func (h History) cleanTemporary() {
	entries, _ := os.ReadDir(h.Dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			os.RemoveAll(filepath.Join(h.Dir, e.Name()))
		}
	}
}

// writeSynced writes a file and flushes it to disk.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type indexRow struct {
	Name    string
	Summary Summary
	New     int
	Fixed   int
	HTML    bool
}

var indexTmpl = template.Must(template.New("index.html.tmpl").ParseFS(templates, "templates/index.html.tmpl"))

// writeIndex replaces index.html (temporary file + rename) with a list of the runs, newest
// first.
func (h History) writeIndex(runs []string) error {
	var rows []indexRow
	for i := len(runs) - 1; i >= 0; i-- {
		r, err := ReadReport(filepath.Join(h.Dir, runs[i], FileName("json")))
		if err != nil {
			return err
		}
		row := indexRow{Name: runs[i], Summary: r.Summary, HTML: fileExists(filepath.Join(h.Dir, runs[i], FileName("html")))}
		if r.Changes != nil {
			row.New, row.Fixed = len(r.Changes.New), len(r.Changes.Resolved)
		}
		rows = append(rows, row)
	}
	tmp, err := os.CreateTemp(h.Dir, ".index-*.html")
	if err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := indexTmpl.Execute(tmp, rows); err != nil {
		tmp.Close()
		return fmt.Errorf("write index: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(h.Dir, "index.html"))
}
