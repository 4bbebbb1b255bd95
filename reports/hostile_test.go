package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
)

// Names an attacker controls: a cluster (kubeconfig context), object names and namespaces in
// an audited cluster, and messages that quote them.
const (
	hostileCluster = "<script>alert(1)</script>|=cmd|' /C calc'!A0\x1b]0;pwned\x07"
	hostileName    = "=HYPERLINK(\"http://evil.example/\"&A1)"
	hostileNS      = "@SUM(1+1)"
	hostileMessage = "+cmd</td><img src=x onerror=alert(1)>`code`**bold** [link](http://evil.example/)\n| new row |\r\x00"
)

func hostileReport() *Report {
	f := policy.Finding{Cluster: hostileCluster, RuleID: "FA-RBAC-001", Title: "t", Category: policy.CategoryCompliance, Severity: policy.SeverityHigh,
		Kind: "deny", Resource: policy.ResourceRef{APIVersion: "v1", Kind: "ServiceAccount", Namespace: hostileNS, Name: hostileName},
		Message: hostileMessage, Remediation: "-2+3",
		Waiver: &policy.Waiver{Owner: hostileName, Reason: hostileMessage, Expires: "2099-01-01", Ticket: hostileNS, Source: "w.yaml:4"}}
	stale := waiver.Status{Entry: waiver.Entry{Rule: "FA-RBAC-001", Clusters: []string{hostileCluster}, Namespace: hostileNS, Resource: "User/" + hostileName,
		Owner: hostileName, Reason: hostileMessage, Expires: "2099-01-01", Ticket: hostileMessage}, Source: "w`.yaml:9"}
	return &Report{SchemaVersion: ReportSchemaVersion, GeneratedAt: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
		Waivers: &waiver.Summary{File: "w`.yaml", Waived: 1, ExpiringSoon: []waiver.Status{}, Expired: []waiver.Status{}, Stale: []waiver.Status{stale}},
		Summary: Summary{Clusters: 1, Audited: 1, Findings: map[string]int{"high": 1}, Profile: "p@1.0.0"},
		Rules:   []RuleInfo{{ID: "FA-RBAC-001", Title: "t", Category: policy.CategoryCompliance, Severity: policy.SeverityHigh}},
		Clusters: []ClusterReport{{Name: hostileCluster, Version: "v1.34.0", Status: facts.StatusPartial, Problem: hostileMessage,
			Collection: []facts.CollectorRun{}, Scores: map[string]policy.Score{}, Findings: []policy.Finding{f},
			Upgrade: &policy.Decision{Cluster: hostileCluster, Profile: "p@1.0.0", Target: "v1.35.0", Reasons: []string{hostileMessage}}}}}
}

// TestHostileNamesInEveryFormat: names and messages from audited clusters cannot inject
// markup, formulas, terminal escapes or invalid objects into any output format.
func TestHostileNamesInEveryFormat(t *testing.T) {
	r := hostileReport()
	seen := map[string]bool{}
	for _, f := range Formats() {
		seen[f.Name] = true
		var out []byte
		if f.Files != nil {
			files, err := f.Files(r)
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			for _, b := range files {
				out = append(out, b...)
			}
		} else {
			var b bytes.Buffer
			if err := f.Render(&b, r); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			out = b.Bytes()
		}
		s := string(out)
		switch f.Name {
		case "table":
			if strings.ContainsAny(s, "\x1b\x07\x00\r") {
				t.Errorf("table: a control character reached the terminal: %q", s)
			}
			if !strings.Contains(s, `\x1b]0;pwned\x07`) {
				t.Errorf("table: control characters should be shown escaped:\n%s", s)
			}
		case "md":
			for _, bad := range []string{"<script", "<img", "</td>", "\n| new row |"} {
				if strings.Contains(s, bad) {
					t.Errorf("md: %q survived:\n%s", bad, s)
				}
			}
			if regexp.MustCompile(`[^\\]\]\(|[^\\]\*\*|[^\\\x60]\x60code`).MatchString(s) {
				t.Errorf("md: a link, emphasis or code span survived:\n%s", s)
			}
			// Every row of a table has as many unescaped pipes as its header.
			header, rows := 0, 0
			lines := strings.Split(s, "\n")
			for i, line := range lines {
				n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
				switch {
				case !strings.HasPrefix(line, "|"):
					header = 0
				case header == 0 && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "|---"):
					header = n
				case !strings.HasPrefix(line, "|---"):
					rows++
					if n != header {
						t.Errorf("md: row split into %d cells, its header has %d: %s", n-1, header-1, line)
					}
				}
			}
			if rows < 5 || !strings.Contains(s, "## Accepted risk") {
				t.Errorf("md: %d table rows checked; the Accepted risk section must be among them", rows)
			}
		case "html":
			for _, bad := range []string{"<script>alert", "<img src=x", "</td><img"} {
				if strings.Contains(s, bad) {
					t.Errorf("html: %q survived", bad)
				}
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
			if err != nil {
				t.Fatalf("csv: %v", err)
			}
			for _, row := range rows[1:] {
				for _, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("csv: formula cell %q", cell)
					}
				}
				if row[0] != "'"+hostileCluster[:0]+hostileCluster && row[0] != hostileCluster {
					t.Errorf("csv: cluster cell changed beyond neutralising: %q", row[0])
				}
			}
		case "junit":
			var v struct {
				Suites []struct {
					Name string `xml:"name,attr"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(out, &v); err != nil {
				t.Fatalf("junit: not XML: %v", err)
			}
			if len(v.Suites) != 1 || !strings.HasPrefix(v.Suites[0].Name, "<script>alert(1)</script>") {
				t.Errorf("junit: suite name not kept as text: %+v", v.Suites)
			}
		case "json", "yaml":
			var back Report
			var err error
			if f.Name == "json" {
				err = json.Unmarshal(out, &back)
			} else {
				err = yaml.Unmarshal(out, &back)
			}
			if err != nil || len(back.Clusters) != 1 || back.Clusters[0].Name != hostileCluster || back.Clusters[0].Findings[0].Message != hostileMessage {
				t.Errorf("%s: names do not round-trip: %v", f.Name, err)
			}
		case "sarif":
			var log struct {
				Runs []struct {
					LogicalLocations []struct{ Name string }
					Results          []struct {
						Message      struct{ Text string }
						Suppressions []struct{ Justification string }
					}
				}
			}
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatalf("sarif: not JSON: %v", err)
			}
			run := log.Runs[0]
			if len(run.Results) != 1 || run.Results[0].Message.Text != hostileMessage || run.LogicalLocations[0].Name != hostileCluster ||
				!strings.HasPrefix(run.Results[0].Suppressions[0].Justification, hostileMessage) {
				t.Errorf("sarif: names do not round-trip: %+v", run)
			}
		case "policyreport", "openreports":
			for _, doc := range strings.Split(s, "\n---\n") {
				var obj struct {
					Metadata struct {
						Name   string            `json:"name"`
						Labels map[string]string `json:"labels"`
					} `json:"metadata"`
				}
				if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
					t.Fatalf("%s: %v", f.Name, err)
				}
				if errs := validation.IsDNS1123Subdomain(obj.Metadata.Name); len(errs) > 0 {
					t.Errorf("%s: name %q: %v", f.Name, obj.Metadata.Name, errs)
				}
				for k, v := range obj.Metadata.Labels {
					if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
						t.Errorf("%s: label %s=%q: %v", f.Name, k, v, errs)
					}
				}
			}
		default:
			t.Errorf("format %s has no hostile-name check: add one", f.Name)
		}
	}
	if len(seen) < 9 {
		t.Errorf("only %d formats checked", len(seen))
	}
}

func TestDNSLabel(t *testing.T) {
	for in, want := range map[string]string{
		"prod-eu-west": "prod-eu-west",
		"Prod_EU":      "prod-eu-",
		"arn:aws:eks:eu-west-1:123456789012:cluster/prod": "arn-aws-eks-eu-west-1-123456789012-cluster-prod-",
		"<script>": "script-",
		"":         "",
	} {
		got := dnsLabel(in, 63)
		if !strings.HasPrefix(got, want) || len(got) > 63 || len(validation.IsDNS1123Label(got)) > 0 {
			t.Errorf("dnsLabel(%q) = %q, want prefix %q and a valid label", in, got, want)
		}
	}
	if dnsLabel("Prod", 63) == dnsLabel("prod", 63) {
		t.Error("two cluster names share a report name")
	}
	if got := dnsLabel(strings.Repeat("a", 100), 52); len(got) != 52 {
		t.Errorf("long name: %q (%d)", got, len(got))
	}
}
