package reports

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Format is one output format: a name users pick (-o NAME, --format NAME), where it goes in a
// report folder, and how it renders the one report model. Every format renders to a writer
// (stdout); Files, when set, splits the output into several files of a report folder.
type Format struct {
	Name        string
	Description string
	// File is the file (or folder, for Files) the format writes in a report folder; empty
	// for formats only meant for a terminal.
	File   string
	Render func(w io.Writer, r *Report) error
	// Files, when set, renders the format as several files keyed by path inside the
	// report folder (one PolicyReport file per cluster, say).
	Files func(r *Report) (map[string][]byte, error)
}

// formats is the registry: one entry per format, in the order help text lists them.
var formats = []Format{
	{Name: "table", Description: "a table per cluster, for a terminal", Render: Table},
	{Name: "json", Description: "the report model as JSON (schema: docs/report.md)", File: "report.json", Render: JSON},
	{Name: "yaml", Description: "the report model as YAML", File: "report.yaml", Render: YAML},
	{Name: "html", Description: "a self-contained HTML page with charts", File: "report.html", Render: HTML},
	{Name: "md", Description: "Markdown, for a pull request or a wiki", File: "report.md", Render: Markdown},
	{Name: "junit", Description: "JUnit XML: a test suite per cluster, a test case per rule", File: "junit.xml", Render: JUnit},
	{Name: "csv", Description: "one row per finding", File: "findings.csv", Render: CSV},
	{Name: "policyreport", Description: "wgpolicyk8s.io/v1alpha2 PolicyReports per cluster (Policy Reporter)", File: "policyreports",
		Render: joinedFiles(WGPolicyReports), Files: WGPolicyReports},
	{Name: "openreports", Description: "openreports.io/v1alpha1 Reports per cluster", File: "openreports",
		Render: joinedFiles(OpenReports), Files: OpenReports},
	{Name: "sarif", Description: "SARIF 2.1.0 for code-scanning tools (waived findings as suppressions)", File: "report.sarif", Render: SARIF},
}

// Formats lists the registered formats.
func Formats() []Format { return slices.Clone(formats) }

// FormatNames lists the names of the formats that fit: all of them, or (files) only those
// that write into a report folder.
func FormatNames(files bool) []string {
	var out []string
	for _, f := range formats {
		if !files || f.File != "" {
			out = append(out, f.Name)
		}
	}
	return out
}

// DefaultReportFormats are the formats a report folder gets when none are named.
var DefaultReportFormats = []string{"html", "md", "json", "junit", "csv", "policyreport"}

// Lookup finds a format by name.
func Lookup(name string) (Format, error) {
	for _, f := range formats {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("output format %q is not one of %s", name, strings.Join(FormatNames(false), ", "))
}

// FileName is the file a format is written to inside a report folder.
func FileName(format string) string {
	f, _ := Lookup(format)
	return f.File
}

// Write renders r in the named format to w.
func Write(w io.Writer, r *Report, format string) error {
	f, err := Lookup(format)
	if err != nil {
		return err
	}
	if err := f.Render(w, r); err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}

// Render renders r in the named format as the files of a report folder, keyed by path.
func Render(r *Report, format string) (map[string][]byte, error) {
	f, err := Lookup(format)
	if err != nil {
		return nil, err
	}
	if f.File == "" {
		return nil, fmt.Errorf("format %s is for a terminal, not a report folder (use one of %s)", format, strings.Join(FormatNames(true), ", "))
	}
	if f.Files != nil {
		files, err := f.Files(r)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", format, err)
		}
		return files, nil
	}
	var b bytes.Buffer
	if err := f.Render(&b, r); err != nil {
		return nil, fmt.Errorf("render %s: %w", format, err)
	}
	return map[string][]byte{f.File: b.Bytes()}, nil
}

// joinedFiles renders a multi-file format to one stream: the files in path order as one
// multi-document YAML stream.
func joinedFiles(files func(*Report) (map[string][]byte, error)) func(io.Writer, *Report) error {
	return func(w io.Writer, r *Report) error {
		m, err := files(r)
		if err != nil {
			return err
		}
		for i, k := range slices.Sorted(maps.Keys(m)) {
			if i > 0 {
				if _, err := io.WriteString(w, "---\n"); err != nil {
					return err
				}
			}
			if _, err := w.Write(m[k]); err != nil {
				return err
			}
		}
		return nil
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
