package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// SARIF 2.1.0 (OASIS), for code-scanning dashboards: the rules as tool.driver.rules, each
// finding a result located logically (cluster › namespace › object › field path, in
// run.logicalLocations), waived findings as accepted suppressions, rules that could not run and
// clusters that could not be audited as tool execution notifications. The JSON Schema it is
// tested against is reports/testdata/sarif-schema-2.1.0.json.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifFingerprint names the partial fingerprint computed from the finding identity.
	sarifFingerprint = "fleetauditFindingIdentity/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool             sarifTool         `json:"tool"`
	Invocations      []sarifInvocation `json:"invocations"`
	LogicalLocations []sarifLogical    `json:"logicalLocations,omitempty"`
	Results          []sarifResult     `json:"results"`
	Properties       map[string]any    `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	HelpURI              string          `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags     []string `json:"tags"`
	Severity string   `json:"severity"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

// sarifPhysical is where in a file a finding is: set for findings on objects read from files
// (policy.Finding.Location), so that code-scanning tools annotate the line.
type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
	// URIBaseID is %SRCROOT% for a relative path: the folder the audit ran in (the
	// repository root in CI), which is what code-scanning tools resolve it against.
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifPhysicalOf is l as a SARIF physical location; nil for stdin or a file inside a
// packaged chart, which no tool can open.
func sarifPhysicalOf(l *policy.Location) *sarifPhysical {
	if l == nil || l.File == "" || l.File == "<stdin>" || strings.Contains(l.File, "#") {
		return nil
	}
	p := &sarifPhysical{}
	if path.IsAbs(l.File) {
		p.ArtifactLocation.URI = (&url.URL{Scheme: "file", Path: l.File}).String()
	} else {
		p.ArtifactLocation = sarifArtifact{URI: (&url.URL{Path: path.Clean(l.File)}).String(), URIBaseID: "%SRCROOT%"}
	}
	if l.Line > 0 {
		p.Region = &sarifRegion{StartLine: l.Line, StartColumn: l.Column}
	}
	return p
}

// sarifLogical is a logical location: in run.logicalLocations with its parent, in a result
// by index and fully qualified name.
type sarifLogical struct {
	Index              *int              `json:"index,omitempty"`
	Name               string            `json:"name,omitempty"`
	FullyQualifiedName string            `json:"fullyQualifiedName"`
	Kind               string            `json:"kind,omitempty"`
	ParentIndex        *int              `json:"parentIndex,omitempty"`
	Properties         map[string]string `json:"properties,omitempty"`
}

type sarifSuppression struct {
	Kind          string            `json:"kind"`
	Status        string            `json:"status"`
	Justification string            `json:"justification"`
	Properties    map[string]string `json:"properties"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level          string            `json:"level"`
	Message        sarifText         `json:"message"`
	Locations      []sarifLocation   `json:"locations,omitempty"`
	AssociatedRule *sarifRuleRef     `json:"associatedRule,omitempty"`
	Properties     map[string]string `json:"properties,omitempty"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

// sarifLevel maps a severity to a SARIF level: critical and high are errors, medium a
// warning, low and info notes.
func sarifLevel(s policy.Severity) string {
	switch s {
	case policy.SeverityCritical, policy.SeverityHigh:
		return "error"
	case policy.SeverityMedium:
		return "warning"
	}
	return "note"
}

// SARIF writes the report as one SARIF 2.1.0 run.
func SARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "fleetaudit", InformationURI: "https://github.com/fleetaudit/fleetaudit", Rules: []sarifRule{}}},
		Results:     []sarifResult{},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: []sarifNotification{}}},
		Properties:  map[string]any{"reportSchemaVersion": r.SchemaVersion, "generatedAt": r.GeneratedAt},
	}
	ruleIndex := map[string]int{}
	for i, ru := range r.Rules {
		ruleIndex[ru.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(ru))
	}
	locs := &sarifLocations{index: map[string]int{}}
	occurrences := map[string]int{}
	inv := &run.Invocations[0]
	for _, c := range r.Clusters {
		if c.Status != facts.StatusOK {
			inv.ExecutionSuccessful = false
		}
		clusterLoc := locs.at(c.Name, c.Name, "cluster", -1, nil)
		if c.Status == facts.StatusFailed {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error",
				Message: sarifText{"cluster " + c.Name + " could not be audited: " + c.Problem}, Locations: []sarifLocation{clusterLoc}})
			continue
		}
		for _, cr := range c.Collection {
			if !cr.OK() {
				inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning",
					Message:    sarifText{fmt.Sprintf("collector %s did not succeed on cluster %s (%s): %s", cr.Collector, c.Name, cr.Reason, cr.Error)},
					Locations:  []sarifLocation{clusterLoc},
					Properties: map[string]string{"cluster": c.Name, "collector": cr.Collector, "reason": cr.Reason}})
			}
		}
		for _, e := range c.RuleErrors {
			n := sarifNotification{Level: "error", Message: sarifText{e.Message}, Locations: []sarifLocation{clusterLoc},
				Properties: map[string]string{"cluster": c.Name, "reason": e.Reason, "file": e.File}}
			if i, ok := ruleIndex[e.Rule]; ok {
				n.AssociatedRule = &sarifRuleRef{ID: e.Rule, Index: i}
			}
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
		}
		for _, f := range c.Findings {
			run.Results = append(run.Results, sarifResultOf(f, ruleIndex, locs, occurrences))
		}
	}
	run.LogicalLocations = locs.all
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleOf(ru RuleInfo) sarifRule {
	tags := []string{string(ru.Category)}
	for _, c := range ru.Controls {
		tags = append(tags, c.String())
	}
	full := ru.Description
	if full == "" {
		full = ru.Title
	}
	help := ru.Remediation
	if help == "" {
		help = "See the rule's description."
	}
	if len(ru.References) > 0 {
		help += "\nReferences: " + strings.Join(ru.References, ", ")
	}
	out := sarifRule{ID: ru.ID, Name: pascalCase(ru.Title), ShortDescription: sarifText{ru.Title}, FullDescription: sarifText{full},
		Help: sarifText{help}, DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(ru.Severity)},
		Properties: sarifRuleProps{Tags: tags, Severity: string(ru.Severity)}}
	if len(ru.References) > 0 && (strings.HasPrefix(ru.References[0], "https://") || strings.HasPrefix(ru.References[0], "http://")) {
		out.HelpURI = ru.References[0]
	}
	return out
}

func sarifResultOf(f policy.Finding, ruleIndex map[string]int, locs *sarifLocations, occurrences map[string]int) sarifResult {
	id := Identity(f)
	occurrences[id]++
	fp := id
	if n := occurrences[id]; n > 1 { // the n-th finding of one identity (in report order)
		fp += fmt.Sprintf("\x00%d", n)
	}
	idx, ok := ruleIndex[f.RuleID]
	if !ok {
		idx = -1
	}
	res := sarifResult{RuleID: f.RuleID, RuleIndex: idx, Level: sarifLevel(f.Severity), Message: sarifText{f.Message},
		Locations:           []sarifLocation{locs.of(f)},
		PartialFingerprints: map[string]string{sarifFingerprint: fingerprint(fp)},
		BaselineState:       string(f.Baseline),
		Properties:          map[string]any{"cluster": f.Cluster, "category": f.Category, "severity": f.Severity, "kind": f.Kind}}
	res.Locations[0].PhysicalLocation = sarifPhysicalOf(f.Location)
	if f.Location != nil && f.Location.Rendered {
		res.Properties["renderedLocation"] = true // the line is in the template's rendered output
	}
	if len(f.Controls) > 0 {
		res.Properties["controls"] = f.Controls
	}
	if f.Remediation != "" {
		res.Properties["remediation"] = f.Remediation
	}
	if w := f.Waiver; w != nil {
		props := map[string]string{"owner": w.Owner, "expires": w.Expires, "source": w.Source}
		if w.Ticket != "" {
			props["ticket"] = w.Ticket
		}
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted",
			Justification: w.Reason + " (" + w.String() + ")", Properties: props}}
	}
	return res
}

// sarifLocations builds run.logicalLocations: each cluster, namespace, object and field path
// once, nested by parentIndex.
type sarifLocations struct {
	all   []sarifLogical
	index map[string]int
}

// at is the location fqn (adding it, under parent, the first time), as a result refers to it.
func (l *sarifLocations) at(fqn, name, kind string, parent int, props map[string]string) sarifLocation {
	i, ok := l.index[fqn]
	if !ok {
		i = len(l.all)
		l.index[fqn] = i
		loc := sarifLogical{Name: name, FullyQualifiedName: fqn, Kind: kind, Properties: props}
		if parent >= 0 {
			loc.ParentIndex = &parent
		}
		l.all = append(l.all, loc)
	}
	return sarifLocation{LogicalLocations: []sarifLogical{{Index: &i, FullyQualifiedName: fqn, Kind: kind}}}
}

// of is the location of a finding: CLUSTER[/NAMESPACE]/Kind/name[#fieldPath]; a finding
// about the cluster as a whole is located at the cluster.
func (l *sarifLocations) of(f policy.Finding) sarifLocation {
	r := f.Resource
	loc := l.at(f.Cluster, f.Cluster, "cluster", -1, nil)
	parentFQN := f.Cluster
	if r.Kind == "Cluster" && r.Name == f.Cluster && r.FieldPath == "" {
		return loc
	}
	if r.Namespace != "" {
		parentFQN = f.Cluster + "/" + r.Namespace
		loc = l.at(parentFQN, r.Namespace, "namespace", l.index[f.Cluster], nil)
	}
	props := map[string]string{"kind": r.Kind, "name": r.Name}
	if r.APIVersion != "" {
		props["apiVersion"] = r.APIVersion
	}
	if r.Namespace != "" {
		props["namespace"] = r.Namespace
	}
	objFQN := parentFQN + "/" + r.Kind + "/" + r.Name
	loc = l.at(objFQN, r.Name, "resource", l.index[parentFQN], props)
	if r.FieldPath != "" {
		loc = l.at(objFQN+"#"+r.FieldPath, r.FieldPath, "property", l.index[objFQN], map[string]string{"fieldPath": r.FieldPath})
	}
	return loc
}

// pascalCase turns a title into a rule name: "Subject can read Secrets" -> "SubjectCanReadSecrets".
func pascalCase(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if upper {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}
