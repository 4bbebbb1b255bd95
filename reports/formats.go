package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Formats lists the report formats, each rendered to one file (policyreport: one file per
// cluster under policyreports/).
var Formats = []string{"html", "md", "json", "junit", "csv", "policyreport"}

// FileName is the file a format is written to inside a report folder.
func FileName(format string) string {
	return map[string]string{"html": "report.html", "md": "report.md", "json": "report.json", "junit": "junit.xml",
		"csv": "findings.csv", "policyreport": "policyreports"}[format]
}

// Render writes the report in one format. policyreport returns several files, keyed by
// file name; the others return one.
func Render(r *Report, format string) (map[string][]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case "html":
		err = HTML(&b, r)
	case "md":
		err = Markdown(&b, r)
	case "json":
		err = ReportJSON(&b, r)
	case "junit":
		err = JUnit(&b, r)
	case "csv":
		err = CSV(&b, r)
	case "policyreport":
		return PolicyReports(r)
	default:
		return nil, fmt.Errorf("report format %q is not one of %s", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", format, err)
	}
	return map[string][]byte{FileName(format): b.Bytes()}, nil
}

// ReportJSON writes the report as indented JSON (schema: docs/report.md).
func ReportJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// CSV writes one row per finding.
func CSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"cluster", "severity", "kind", "rule", "category", "resource", "message", "cis_id", "remediation"})
	for _, c := range r.Clusters {
		for _, f := range c.Findings {
			cis, _ := f.Details["cis_id"].(string)
			_ = cw.Write([]string{c.Name, string(f.Severity), f.Kind, f.RuleID, f.Category, f.Resource, f.Message, cis, f.Remediation})
		}
	}
	cw.Flush()
	return cw.Error()
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes one test suite per cluster and one test case per cluster × rule: a rule with
// deny findings fails (the findings are the failure text), warnings go to system-out, and a
// cluster that could not be audited has one erroring case.
func JUnit(w io.Writer, r *Report) error {
	out := junitSuites{Name: "fleetaudit"}
	for _, c := range r.Clusters {
		s := junitSuite{Name: c.Name, Timestamp: r.GeneratedAt.Format("2006-01-02T15:04:05Z")}
		if c.Status == "failed" {
			s.Cases = append(s.Cases, junitCase{Name: "audit", Classname: c.Name, Error: &junitProblem{Message: "cluster could not be audited", Type: "audit", Text: c.Problem}})
			s.Errors++
		} else {
			by := map[string][]string{}
			warns := map[string][]string{}
			for _, f := range c.Findings {
				line := fmt.Sprintf("[%s] %s: %s", f.Severity, f.Resource, f.Message)
				if f.Kind == "deny" {
					by[f.RuleID] = append(by[f.RuleID], line)
				} else {
					warns[f.RuleID] = append(warns[f.RuleID], line)
				}
			}
			for _, ru := range r.Rules {
				tc := junitCase{Name: ru.ID + " " + ru.Title, Classname: c.Name + "." + ru.Category, SystemOut: strings.Join(warns[ru.ID], "\n")}
				if lines := by[ru.ID]; len(lines) > 0 {
					tc.Failure = &junitProblem{Message: fmt.Sprintf("%d findings", len(lines)), Type: ru.Severity, Text: strings.Join(lines, "\n")}
					s.Failures++
				}
				s.Cases = append(s.Cases, tc)
			}
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
