package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr,omitempty"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes one test suite per cluster and one test case per cluster × rule: a rule with
// deny findings fails (the findings are the failure text, each after its file:line when it
// was read from a file), warnings go to system-out, a rule
// that could not be evaluated (ruleErrors) errs, a rule not judged on the cluster (skipped: a
// fact it reads was not collected, or files have no such state) is skipped with why, and a
// cluster that could not be audited has one erroring case. Waived findings fail nothing: a rule whose deny findings are all waived
// is skipped, with the waivers as the text.
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
			waived := map[string][]string{}
			for _, f := range c.Findings {
				line := fmt.Sprintf("[%s] %s: %s", f.Severity, f.Resource.String(), f.Message)
				if f.Location != nil { // a file's object: where, as compilers say it
					line = f.Location.String() + ": " + line
				}
				if f.Waived() {
					waived[f.RuleID] = append(waived[f.RuleID], line+" (waived: "+f.Waiver.String()+")")
				} else if f.Kind == "deny" {
					by[f.RuleID] = append(by[f.RuleID], line)
				} else {
					warns[f.RuleID] = append(warns[f.RuleID], line)
				}
			}
			errs := map[string]policy.RuleError{}
			for _, e := range c.RuleErrors {
				errs[e.Rule] = e
			}
			skipped := map[string]string{}
			for _, sk := range c.Skipped {
				skipped[sk.Rule] = sk.Reason
			}
			for _, ru := range r.Rules {
				tc := junitCase{Name: ru.ID + " " + ru.Title, Classname: c.Name + "." + string(ru.Category), SystemOut: strings.Join(warns[ru.ID], "\n")}
				if e, ok := errs[ru.ID]; ok {
					tc.Error = &junitProblem{Message: "rule could not be evaluated", Type: e.Reason, Text: e.Message}
					s.Errors++
				} else if why, ok := skipped[ru.ID]; ok && len(by[ru.ID]) == 0 {
					tc.Skipped = &junitSkipped{Message: "not judged", Text: why}
					s.Skipped++
				} else if lines := by[ru.ID]; len(lines) > 0 {
					tc.Failure = &junitProblem{Message: fmt.Sprintf("%d findings", len(lines)), Type: string(ru.Severity), Text: strings.Join(lines, "\n")}
					s.Failures++
				} else if lines := waived[ru.ID]; len(lines) > 0 {
					tc.Skipped = &junitSkipped{Message: fmt.Sprintf("%d findings waived (accepted risk)", len(lines)), Text: strings.Join(lines, "\n")}
					s.Skipped++
				}
				if tc.Skipped == nil && len(waived[ru.ID]) > 0 {
					tc.SystemOut = strings.TrimPrefix(tc.SystemOut+"\n"+strings.Join(waived[ru.ID], "\n"), "\n")
				}
				s.Cases = append(s.Cases, tc)
			}
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
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
