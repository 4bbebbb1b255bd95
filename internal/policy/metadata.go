package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/rules"
)

// Rule describes one rule package: its METADATA and which result sets it defines.
type Rule struct {
	ID          string `json:"id"`
	Package     string `json:"package"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Severity is the severity of the rule's findings (custom.severity); Severities lists,
	// most severe first, every severity a finding of the rule may carry (Severity plus
	// custom.severities, for rules whose findings set their own).
	Severity   Severity   `json:"severity"`
	Severities []Severity `json:"severities"`
	Category   Category   `json:"category"`
	// Controls are the framework controls every finding of the rule bears on (custom.controls).
	Controls []Control `json:"controls,omitempty"`
	// Framework groups compliance rules for scoring (e.g. "rbac", "cis"); may be empty.
	Framework   string   `json:"framework,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
	References  []string `json:"references,omitempty"`
	// Reads are the facts paths (facts.Paths) the rule reads, from METADATA custom.reads, sorted;
	// nil when it declares none (it then sees every path and runs only on complete facts).
	Reads []string `json:"reads,omitempty"`
	// File is where the rule was loaded from; Line is the line of its first deny or warn.
	File    string `json:"file"`
	Line    int    `json:"-"`
	HasDeny bool   `json:"-"`
	HasWarn bool   `json:"-"`
	// User tells a rule from a --rules folder (Options.Dirs) from an embedded one.
	User bool `json:"-"`

	readsDecl      any // custom.reads as written, checked by validate
	readsSet       bool
	severitiesDecl any // custom.severities as written
	controlsDecl   any // custom.controls as written
}

// rulesOf finds the rule packages (those defining deny or warn) among the modules and reads
// their METADATA: package-scope annotations, overridden by rule-scope ones on deny/warn. user
// names the modules loaded from --rules folders.
func rulesOf(modules map[string]*ast.Module, as *ast.AnnotationSet, user map[string]bool) ([]*Rule, error) {
	byPkg := map[string]*Rule{}
	var errs []string
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		m := modules[name]
		pkg := m.Package.Path.String()
		for _, r := range m.Rules {
			head := r.Head.Name.String()
			if len(r.Head.Ref()) > 0 {
				head = r.Head.Ref()[0].Value.String()
			}
			if head != "deny" && head != "warn" {
				continue
			}
			rule := byPkg[pkg]
			if rule == nil {
				rule = &Rule{Package: pkg, File: m.Package.Location.File, Line: r.Location.Row, User: user[name]}
				byPkg[pkg] = rule
				if a := as.GetPackageScope(m.Package); a != nil {
					applyAnnotations(rule, a)
				}
			}
			for _, a := range as.GetRuleScope(r) {
				applyAnnotations(rule, a)
			}
			rule.HasDeny = rule.HasDeny || head == "deny"
			rule.HasWarn = rule.HasWarn || head == "warn"
		}
	}
	ids := map[string]string{}
	var out []*Rule
	for _, r := range byPkg {
		if err := r.validate(); err != nil {
			errs = append(errs, fmt.Sprintf("%s: rule %s: %v", r.File, r.Package, err))
			continue
		}
		if other, dup := ids[r.ID]; dup {
			errs = append(errs, fmt.Sprintf("%s: rule %s: custom.id %q is also used by %s", r.File, r.Package, r.ID, other))
			continue
		}
		ids[r.ID] = r.Package
		out = append(out, r)
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("rule metadata: %s", strings.Join(errs, "; "))
	}
	slices.SortFunc(out, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func applyAnnotations(r *Rule, a *ast.Annotations) {
	if a.Title != "" {
		r.Title = a.Title
	}
	if a.Description != "" {
		r.Description = strings.TrimSpace(a.Description)
	}
	for _, rr := range a.RelatedResources {
		r.References = appendUnique(r.References, rr.Ref.String())
	}
	c := a.Custom
	if s, ok := c["id"].(string); ok {
		r.ID = s
	}
	if s, ok := c["severity"].(string); ok {
		r.Severity = Severity(strings.ToLower(s))
	}
	if s, ok := c["category"].(string); ok {
		r.Category = Category(s)
	}
	if l, ok := c["severities"]; ok {
		r.severitiesDecl = l
	}
	if l, ok := c["controls"]; ok {
		r.controlsDecl = l
	}
	if s, ok := c["framework"].(string); ok {
		r.Framework = s
	}
	if s, ok := c["remediation"].(string); ok {
		r.Remediation = strings.TrimSpace(s)
	}
	if reads, ok := c["reads"]; ok {
		r.readsDecl, r.readsSet = reads, true
	}
	if refs, ok := c["references"].([]any); ok {
		for _, ref := range refs {
			if s, ok := ref.(string); ok {
				r.References = appendUnique(r.References, s)
			}
		}
	}
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func (r *Rule) validate() error {
	switch {
	case r.ID == "":
		return fmt.Errorf("METADATA custom.id is missing (add a `# METADATA` block with custom: {id, severity, category})")
	case r.Title == "":
		return fmt.Errorf("METADATA title is missing")
	case r.Severity.Rank() == 0:
		return fmt.Errorf("METADATA custom.severity %q is not one of info, low, medium, high, critical", r.Severity)
	case !slices.Contains(Categories, r.Category):
		return fmt.Errorf("METADATA custom.category %q is not one of compliance, quota, cost, upgrade, drift, workload", r.Category)
	}
	r.Severities = []Severity{r.Severity}
	if r.severitiesDecl != nil {
		list, ok := r.severitiesDecl.([]any)
		if !ok {
			return fmt.Errorf("METADATA custom.severities must be a list such as [high, low]")
		}
		for _, x := range list {
			s, _ := x.(string)
			sev, err := ParseSeverity(s)
			if err != nil {
				return fmt.Errorf("METADATA custom.severities: %v", err)
			}
			if !slices.Contains(r.Severities, sev) {
				r.Severities = append(r.Severities, sev)
			}
		}
		slices.SortFunc(r.Severities, func(a, b Severity) int { return b.Rank() - a.Rank() })
	}
	if r.controlsDecl != nil {
		cs, err := parseControls(r.controlsDecl)
		if err != nil {
			return fmt.Errorf("METADATA custom.%v", err)
		}
		for _, c := range cs {
			if _, known, ok := rules.Controls().Lookup(c.Framework, c.ID); known && !ok {
				return fmt.Errorf("METADATA custom.controls: %s has no control %q in the control catalog (rules/controls.yaml, rules/controls_cis.yaml); use one of its ids, or another framework name", c.Framework, c.ID)
			}
		}
		r.Controls = cs
	}
	if r.readsSet {
		list, ok := r.readsDecl.([]any)
		declared := make([]string, 0, len(list))
		for _, x := range list {
			s, isString := x.(string)
			ok = ok && isString
			declared = append(declared, s)
		}
		if !ok {
			return fmt.Errorf("METADATA custom.reads must be a list of facts paths, e.g. [rbac.roles, rbac.subjects]")
		}
		reads, err := facts.ExpandPaths(declared)
		if err != nil {
			return fmt.Errorf("METADATA custom.reads: %v", err)
		}
		r.Reads = reads
	}
	return nil
}
