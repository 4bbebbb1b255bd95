package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// sarifSchema compiles the vendored SARIF 2.1.0 schema (testdata/README.md).
func sarifSchemaFor(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(sarifSchema, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(sarifSchema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func renderSARIF(t *testing.T, r *Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, "sarif"); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sarifEverything is the waived demo report with what else SARIF carries: a baseline, a rule
// that could not run, a failed collector and a cluster that could not be audited.
func sarifEverything(t *testing.T) *Report {
	r := demoWaivedReport(t, "../examples/waivers.yaml")
	base, path := roundTrip(t, demoReport(t))
	r.CompareBaseline(base, path)
	r.Clusters[0].RuleErrors = []policy.RuleError{{Rule: "FA-RBAC-002", File: "rules/compliance/rbac_wildcard.rego", Cluster: r.Clusters[0].Name,
		Reason: policy.ReasonTimeout, Message: "rule FA-RBAC-002 did not finish within 30s"}}
	r.Clusters[1].Collection = append(r.Clusters[1].Collection, facts.CollectorRun{Collector: "cis", Reason: "forbidden", Error: "jobs.batch is forbidden"})
	r.Clusters = append(r.Clusters, ClusterReport{Name: "unreachable", Status: facts.StatusFailed, Problem: "cluster: unreachable: connection refused"})
	return r
}

// TestSARIFValidatesAgainstTheSchema: the demo report, and one with every optional part,
// validate against the official SARIF 2.1.0 schema.
func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	schema := sarifSchemaFor(t)
	for name, r := range map[string]*Report{"demo": demoReport(t), "waived, baseline, errors": sarifEverything(t)} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(renderSARIF(t, r)))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
	// The schema is strict enough to catch a mistake: a level outside its enum fails.
	bad := strings.Replace(string(renderSARIF(t, demoReport(t))), `"level": "error"`, `"level": "critical"`, 1)
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if schema.Validate(inst) == nil {
		t.Error("the schema accepted a level of \"critical\"")
	}
}

// TestSARIFContent: levels by severity, logical locations naming cluster and resource,
// fingerprints from the identity, suppressions for waived findings, baseline states, and
// rule errors and failed clusters as notifications.
func TestSARIFContent(t *testing.T) {
	r := sarifEverything(t)
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string
						DefaultConfiguration struct{ Level string }
						Help                 struct{ Text string }
						Properties           struct{ Tags []string }
					}
				}
			}
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct {
					Level          string
					Message        struct{ Text string }
					AssociatedRule *struct{ ID string }
				}
			}
			LogicalLocations []struct {
				Name, FullyQualifiedName, Kind string
				ParentIndex                    *int
			}
			Results []struct {
				RuleID, Level, BaselineState string
				Message                      struct{ Text string }
				Locations                    []struct {
					LogicalLocations []struct {
						Index              int
						FullyQualifiedName string
					}
				}
				PartialFingerprints map[string]string
				Suppressions        []struct{ Kind, Status, Justification string }
			}
		}
	}
	if err := json.Unmarshal(renderSARIF(t, r), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(r.Rules) {
		t.Errorf("%d rules for %d", len(run.Tool.Driver.Rules), len(r.Rules))
	}
	for _, ru := range run.Tool.Driver.Rules {
		if ru.ID == "FA-CIS-001" && (ru.DefaultConfiguration.Level != "warning" || !strings.Contains(ru.Help.Text, "Apply the remediation")) {
			t.Errorf("FA-CIS-001 rule %+v", ru)
		}
	}
	want := 0
	for _, c := range r.Clusters {
		want += len(c.Findings)
	}
	if len(run.Results) != want {
		t.Fatalf("%d results for %d findings", len(run.Results), want)
	}
	levels := map[string]bool{}
	fingerprints := map[string]bool{}
	suppressed := 0
	for _, res := range run.Results {
		levels[res.Level] = true
		fingerprints[res.PartialFingerprints[sarifFingerprint]] = true
		if res.BaselineState != "unchanged" {
			t.Errorf("%s: baseline state %q, want unchanged", res.RuleID, res.BaselineState)
		}
		loc := res.Locations[0].LogicalLocations[0]
		if run.LogicalLocations[loc.Index].FullyQualifiedName != loc.FullyQualifiedName {
			t.Errorf("%s: location %d is not %s", res.RuleID, loc.Index, loc.FullyQualifiedName)
		}
		if res.RuleID == "FA-UPG-005" && strings.HasPrefix(res.Message.Text, "PodDisruptionBudget payments/payments-db") {
			l := run.LogicalLocations[loc.Index]
			parent := run.LogicalLocations[*l.ParentIndex]
			if loc.FullyQualifiedName != "prod-eu-west/payments/PodDisruptionBudget/payments-db" || res.Level != "error" || l.Kind != "resource" ||
				parent.Kind != "namespace" || run.LogicalLocations[*parent.ParentIndex].Name != "prod-eu-west" {
				t.Errorf("the PDB result: %+v at %+v", res, l)
			}
		}
		if len(res.Suppressions) > 0 {
			suppressed++
			s := res.Suppressions[0]
			if res.RuleID == "FA-RBAC-001" && (s.Kind != "external" || s.Status != "accepted" ||
				s.Justification != "break-glass administrator; the credential sits in the vault and every use pages security (accepted by security-team@example.com until 2027-06-30 (https://tracker.example.com/SEC-412))") {
				t.Errorf("suppression %+v", s)
			}
		}
	}
	if len(levels) != 3 || !levels["note"] || !levels["warning"] || !levels["error"] {
		t.Errorf("levels %v", levels)
	}
	if suppressed != r.Summary.Waived || suppressed == 0 {
		t.Errorf("%d suppressed results, %d waived findings", suppressed, r.Summary.Waived)
	}
	if len(fingerprints) != len(run.Results) {
		t.Errorf("%d distinct fingerprints for %d results: findings sharing an identity must still differ", len(fingerprints), len(run.Results))
	}
	inv := run.Invocations[0]
	var texts []string
	ruleErr := false
	for _, n := range inv.ToolExecutionNotifications {
		texts = append(texts, n.Level+": "+n.Message.Text)
		ruleErr = ruleErr || (n.AssociatedRule != nil && n.AssociatedRule.ID == "FA-RBAC-002" && n.Level == "error")
	}
	all := strings.Join(texts, "\n")
	if inv.ExecutionSuccessful || !ruleErr || !strings.Contains(all, "error: cluster unreachable could not be audited: cluster: unreachable: connection refused") ||
		!strings.Contains(all, "warning: collector cis did not succeed on cluster prod-us-central (forbidden): jobs.batch is forbidden") {
		t.Errorf("notifications (successful %v):\n%s", inv.ExecutionSuccessful, all)
	}
}

// TestSARIFFingerprintsAreStable: the same finding has the same fingerprint in two runs,
// whatever its message says; another resource has another.
func TestSARIFFingerprintsAreStable(t *testing.T) {
	f := policy.Finding{Cluster: "c", RuleID: "FA-COST-003", Severity: "medium", Kind: "deny", Resource: policy.ResourceRef{Kind: "Cluster", Name: "c"}, Message: "73% idle"}
	g := f
	g.Message = "81% idle"
	h := f
	h.Cluster, h.Resource.Name = "d", "d"
	if fingerprint(Identity(f)) != fingerprint(Identity(g)) || fingerprint(Identity(f)) == fingerprint(Identity(h)) {
		t.Error("fingerprints must follow the identity, not the message")
	}
}

// TestSARIFPhysicalLocations: findings on objects read from files carry the file and line
// (relative paths against %SRCROOT%, absolute ones as file URIs), still validate, and keep
// their logical location; stdin and files inside a packaged chart have none.
func TestSARIFPhysicalLocations(t *testing.T) {
	r := demoReport(t)
	fs := r.Clusters[0].Findings
	if len(fs) < 4 {
		t.Fatalf("demo cluster %s has %d findings", r.Clusters[0].Name, len(fs))
	}
	fs[0].Location = &policy.Location{File: "deploy/app dir/web.yaml", Line: 12, Column: 7}
	fs[1].Location = &policy.Location{File: "/abs/chart/templates/pdb.yaml", Line: 3, Rendered: true}
	fs[2].Location = &policy.Location{File: "<stdin>", Line: 5}
	fs[3].Location = &policy.Location{File: "shop-0.3.1.tgz#templates/x.yaml", Line: 1}
	out := renderSARIF(t, r)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifSchemaFor(t).Validate(inst); err != nil {
		t.Fatalf("SARIF with physical locations does not validate: %v", err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine, StartColumn int }
					}
					LogicalLocations []struct{ FullyQualifiedName string }
				}
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	type phys struct {
		URI, Base    string
		Line, Column int
	}
	want := []*phys{{"deploy/app%20dir/web.yaml", "%SRCROOT%", 12, 7}, {"file:///abs/chart/templates/pdb.yaml", "", 3, 0}, nil, nil}
	for i, w := range want {
		if res[i].Message.Text != fs[i].Message {
			t.Fatalf("result %d is %q, want finding %q", i, res[i].Message.Text, fs[i].Message)
		}
		l := res[i].Locations[0]
		if len(l.LogicalLocations) != 1 || !strings.HasPrefix(l.LogicalLocations[0].FullyQualifiedName, fs[i].Cluster) {
			t.Errorf("result %d lost its logical location: %+v", i, l.LogicalLocations)
		}
		var got *phys
		if p := l.PhysicalLocation; p != nil {
			got = &phys{p.ArtifactLocation.URI, p.ArtifactLocation.URIBaseID, p.Region.StartLine, p.Region.StartColumn}
		}
		if (got == nil) != (w == nil) || (got != nil && *got != *w) {
			t.Errorf("result %d physical location = %+v, want %+v", i, got, w)
		}
	}
	if res[1].Properties["renderedLocation"] != true || res[0].Properties["renderedLocation"] != nil {
		t.Errorf("renderedLocation: %v / %v", res[1].Properties["renderedLocation"], res[0].Properties["renderedLocation"])
	}
	// JUnit says where, too.
	var b bytes.Buffer
	if err := Write(&b, r, "junit"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "deploy/app dir/web.yaml:12:7: ["+string(fs[0].Severity)+"]") {
		t.Errorf("JUnit lacks the location of the first finding:\n%s", b.String())
	}
}
