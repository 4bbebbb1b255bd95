// Package waiver reads a fleet's accepted risks — a WaiverList file (--waivers) whose entries
// each waive one rule's findings on some clusters, namespaces and resources, with an owner, a
// reason and an expiry — and applies them to findings after evaluation and before scores and
// outputs. Evaluation stays pure: a waiver only marks a finding (policy.Finding.Waiver), which
// stays in every output but no longer counts toward --fail-on, scores or gate blocks. A waiver
// past its expiry stops applying and becomes a finding itself (ExpiredRuleID).
package waiver

import (
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
)

// APIVersion and Kind of a waiver file.
const (
	APIVersion = "fleetaudit.io/v1alpha1"
	Kind       = "WaiverList"
)

// MaxFileSize bounds the waiver file read (a few thousand entries fit in far less).
const MaxFileSize = 4 << 20

// dateLayout is how expires is written: a calendar date, the last day the waiver applies.
const dateLayout = "2006-01-02"

// document is the file as written.
type document struct {
	APIVersion string  `json:"apiVersion"`
	Kind       string  `json:"kind"`
	Waivers    []Entry `json:"waivers"`
}

// Entry is one waiver as written in the file (and as reports show it).
type Entry struct {
	Rule      string `json:"rule"`
	Clusters  Globs  `json:"clusters"`
	Namespace string `json:"namespace,omitempty"`
	Resource  string `json:"resource,omitempty"`
	Owner     string `json:"owner"`
	Reason    string `json:"reason"`
	Expires   string `json:"expires"`
	Ticket    string `json:"ticket,omitempty"`
}

// Globs is one glob or a list of them: clusters: "prod-*" or clusters: [prod-eu, "staging-*"].
type Globs []string

// UnmarshalJSON reads one glob or a list.
func (g *Globs) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*g = Globs{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		// A type error, so that the YAML reader names the key's line.
		return &json.UnmarshalTypeError{Value: "mapping", Type: reflect.TypeFor[[]string]()}
	}
	*g = list
	return nil
}

// Waiver is one validated entry of a waiver file.
type Waiver struct {
	// Rule is the ID of the rule whose findings it waives.
	Rule string
	// Clusters are cluster name globs (path.Match); one must match.
	Clusters []string
	// Namespace is a glob on the namespace the finding's object is in (or is, for a
	// Namespace); "" matches any, including cluster-scoped objects.
	Namespace string
	// Resource is "Kind/name" as written ("" matches any); kind and name are its globs.
	Resource   string
	kind, name string
	Owner      string
	Reason     string
	Ticket     string
	// Expires is the last day the waiver applies, at 00:00 UTC.
	Expires time.Time
	// File and Line are where the waiver is written.
	File string
	Line int
}

// Source is where the waiver is written, as file:line.
func (w *Waiver) Source() string { return fmt.Sprintf("%s:%d", w.File, w.Line) }

// ExpiresText is the expiry as written in the file (YYYY-MM-DD).
func (w *Waiver) ExpiresText() string { return w.Expires.Format(dateLayout) }

// Active reports whether the waiver applies at now: through the whole of its expiry day
// (UTC), so expires: 2027-03-31 applies until 2027-04-01T00:00:00Z.
func (w *Waiver) Active(now time.Time) bool {
	return now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

// ExpiringSoonDays is how close to its expiry an active waiver is flagged as expiring soon.
const ExpiringSoonDays = 14

// ExpiringSoon reports whether the waiver is active at now and its expiry day is at most
// ExpiringSoonDays days after now's date (UTC).
func (w *Waiver) ExpiringSoon(now time.Time) bool {
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return w.Active(now) && !w.Expires.After(today.AddDate(0, 0, ExpiringSoonDays))
}

// Set is a loaded waiver file. The zero of *Set (nil) waives nothing.
type Set struct {
	File    string
	Waivers []*Waiver
}

// Load reads and validates a waiver file. ruleIDs are the rules the engine loaded (rule IDs
// are checked against them). Every problem is reported, each as FILE:LINE: field: what to do.
func Load(file string, ruleIDs []string) (*Set, error) {
	b, err := sizelimit.ReadFile(file, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	return Parse(file, b, ruleIDs)
}

// Parse reads and validates a waiver file's content (see Load).
func Parse(file string, b []byte, ruleIDs []string) (*Set, error) {
	doc, err := yamlfile.Parse(file, b)
	if err != nil {
		return nil, fmt.Errorf("waivers: %w", err)
	}
	var d document
	if err := doc.Decode(&d); err != nil {
		return nil, fmt.Errorf("waivers: %w", err)
	}
	var problems []string
	add := func(line int, format string, a ...any) {
		problems = append(problems, yamlfile.Errorf(file, line, format, a...).Error())
	}
	if doc.Empty() {
		add(0, "the file is empty: want apiVersion: %s, kind: %s and a list of waivers", APIVersion, Kind)
	} else {
		if d.APIVersion != APIVersion {
			add(doc.Line("apiVersion"), "apiVersion: %q is not %s", d.APIVersion, APIVersion)
		}
		if d.Kind != Kind {
			add(doc.Line("kind"), "kind: %q is not %s", d.Kind, Kind)
		}
	}
	set := &Set{File: file}
	seen := map[string]int{}
	for i, e := range d.Waivers {
		at := fmt.Sprintf("waivers[%d]", i)
		line := func(field string) int { return doc.Line("waivers", fmt.Sprint(i), field) }
		w, errs := e.validate(ruleIDs)
		for _, pe := range errs {
			add(line(pe.field), "%s.%s: %s", at, pe.field, pe.msg)
		}
		if len(errs) > 0 {
			continue
		}
		w.File, w.Line = file, doc.Line("waivers", fmt.Sprint(i))
		key := strings.Join([]string{w.Rule, strings.Join(w.Clusters, ","), w.Namespace, w.Resource}, "\x00")
		if prev, dup := seen[key]; dup {
			add(w.Line, "%s: waives what waivers[%d] (line %d) waives (same rule, clusters, namespace and resource): keep one entry, with the later expiry", at, prev, set.Waivers[prev].Line)
			continue
		}
		seen[key] = len(set.Waivers)
		set.Waivers = append(set.Waivers, w)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return set, nil
}

// problem is a field of an entry and what is wrong with it.
type problem struct{ field, msg string }

// validate checks one entry and builds its Waiver.
func (e Entry) validate(ruleIDs []string) (*Waiver, []problem) {
	var out []problem
	bad := func(field, format string, a ...any) { out = append(out, problem{field, fmt.Sprintf(format, a...)}) }
	w := &Waiver{Rule: strings.TrimSpace(e.Rule), Clusters: e.Clusters, Namespace: e.Namespace, Resource: e.Resource,
		Owner: strings.TrimSpace(e.Owner), Reason: strings.TrimSpace(e.Reason), Ticket: strings.TrimSpace(e.Ticket)}
	switch {
	case w.Rule == "":
		bad("rule", "is required: the ID of the rule whose findings are waived, e.g. FA-RBAC-001 (fleetaudit rules list)")
	case w.Rule == ExpiredRuleID:
		bad("rule", "%s (an expired waiver) cannot be waived: renew or delete the expired waiver", ExpiredRuleID)
	case !slices.Contains(ruleIDs, w.Rule):
		bad("rule", "%q is not a rule fleetaudit loaded (fleetaudit rules list shows them; a rule of a --rules folder needs that --rules flag here too)", w.Rule)
	}
	if len(w.Clusters) == 0 {
		bad("clusters", `is required: a cluster name glob or a list of them, e.g. "prod-*" ("*" for every cluster)`)
	}
	for _, g := range w.Clusters {
		if err := checkGlob(g); err != nil {
			bad("clusters", "%q %v", g, err)
		}
	}
	if w.Namespace != "" {
		if err := checkGlob(w.Namespace); err != nil {
			bad("namespace", "%q %v", w.Namespace, err)
		}
	}
	if w.Resource != "" {
		kind, name, ok := strings.Cut(w.Resource, "/")
		switch {
		case !ok || kind == "" || name == "":
			bad("resource", "%q is not Kind/name (e.g. DaemonSet/node-exporter; globs allowed: Deployment/payments-*)", w.Resource)
		case strings.Contains(name, "/"):
			bad("resource", "%q names a namespace too: write namespace: %s and resource: %s/%s", w.Resource, strings.SplitN(name, "/", 2)[0], kind, strings.SplitN(name, "/", 2)[1])
		default:
			if err := checkGlob(kind); err != nil {
				bad("resource", "kind %q %v", kind, err)
			}
			if err := checkGlob(name); err != nil {
				bad("resource", "name %q %v", name, err)
			}
			w.kind, w.name = strings.ToLower(kind), name
		}
	}
	if w.Owner == "" {
		bad("owner", "is required: who accepted the risk and answers for it (a team or a person, e.g. platform-team@example.com)")
	}
	if w.Reason == "" {
		bad("reason", "is required: why the risk is accepted, for whoever reviews it next")
	}
	if strings.TrimSpace(e.Expires) == "" {
		bad("expires", "is required: the last day the waiver applies, as YYYY-MM-DD (e.g. 2027-03-31); a waiver never expires only by being renewed")
	} else if t, err := time.Parse(dateLayout, strings.TrimSpace(e.Expires)); err != nil {
		bad("expires", "%q is not a date YYYY-MM-DD such as 2027-03-31 (the last day the waiver applies, UTC)", e.Expires)
	} else {
		w.Expires = t
	}
	if e.Ticket != "" && w.Ticket == "" {
		bad("ticket", "is blank: give the tracker link or ID, or leave the field out")
	}
	return w, out
}

// checkGlob checks a path.Match pattern (the globs bindings and profiles use).
func checkGlob(g string) error {
	if strings.TrimSpace(g) == "" {
		return fmt.Errorf("is empty")
	}
	if _, err := path.Match(g, ""); err != nil {
		return fmt.Errorf("is not a valid glob (%v): use *, ? and [a-z] only", err)
	}
	return nil
}
