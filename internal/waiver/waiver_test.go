package waiver

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

var rules = []string{"FA-RBAC-001", "FA-QUO-002", "FA-UPG-005", "FA-CIS-001"}

const header = "apiVersion: fleetaudit.io/v1alpha1\nkind: WaiverList\nwaivers:\n"

// entryYAML is a valid entry (lines 4-10 of a file that starts with header), with replace
// applied to it.
func entryYAML(replace ...string) string {
	e := `  - rule: FA-QUO-002
    clusters: "prod-*"
    namespace: payments
    resource: Namespace/payments
    owner: platform-team@example.com
    reason: payments sizes its pods itself
    expires: 2027-03-31
`
	return strings.NewReplacer(replace...).Replace(e)
}

func TestParseValid(t *testing.T) {
	set, err := Parse("w.yaml", []byte(header+entryYAML()+`  - rule: FA-RBAC-001
    clusters: [prod-eu-west, "staging-*"]
    resource: User/ops-admin@example.com
    owner: sec@example.com
    reason: break-glass admin, audited monthly
    expires: "2028-01-31"
    ticket: https://tracker.example.com/SEC-1
`), rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Waivers) != 2 {
		t.Fatalf("%d waivers", len(set.Waivers))
	}
	w := set.Waivers[1]
	if w.Source() != "w.yaml:11" || len(w.Clusters) != 2 || w.Clusters[1] != "staging-*" || w.ExpiresText() != "2028-01-31" || w.Ticket == "" {
		t.Errorf("second waiver: %+v (source %s)", w, w.Source())
	}
	if set.Waivers[0].Clusters[0] != "prod-*" {
		t.Errorf("a single cluster glob: %v", set.Waivers[0].Clusters)
	}
}

// TestParseErrors: each malformed file fails with the file, the line of the offending key
// (or entry) and what to do.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"unknown field", header + entryYAML("    owner:", "    ownr:"), []string{`w.yaml:8: unknown field "waivers[0].ownr"`}},
		{"no owner", header + entryYAML("    owner: platform-team@example.com\n", ""), []string{"w.yaml:4: waivers[0].owner: is required"}},
		{"blank reason", header + entryYAML("reason: payments sizes its pods itself", `reason: "  "`), []string{"w.yaml:9: waivers[0].reason: is required"}},
		{"no expiry", header + entryYAML("    expires: 2027-03-31\n", ""), []string{"w.yaml:4: waivers[0].expires: is required", "YYYY-MM-DD"}},
		{"impossible date", header + entryYAML("2027-03-31", "2027-02-30"), []string{`w.yaml:10: waivers[0].expires: "2027-02-30" is not a date YYYY-MM-DD`}},
		{"date with a time", header + entryYAML("2027-03-31", "2027-03-31T12:00:00Z"), []string{"w.yaml:10: waivers[0].expires:"}},
		{"European date", header + entryYAML("2027-03-31", "31.03.2027"), []string{"w.yaml:10: waivers[0].expires:"}},
		{"bad cluster glob", header + entryYAML(`"prod-*"`, `"prod-["`), []string{`w.yaml:5: waivers[0].clusters: "prod-[" is not a valid glob`}},
		{"no clusters", header + entryYAML("    clusters: \"prod-*\"\n", ""), []string{"w.yaml:4: waivers[0].clusters: is required", `"*" for every cluster`}},
		{"clusters a mapping", header + entryYAML(`"prod-*"`, `{a: b}`), []string{"w.yaml:5: waivers.clusters: cannot use a mapping here, want a list"}},
		{"bad namespace glob", header + entryYAML("namespace: payments", "namespace: pay[ments"), []string{`w.yaml:6: waivers[0].namespace: "pay[ments" is not a valid glob`}},
		{"resource without a name", header + entryYAML("Namespace/payments", "payments"), []string{`w.yaml:7: waivers[0].resource: "payments" is not Kind/name`}},
		{"resource with a namespace", header + entryYAML("Namespace/payments", "Deployment/payments/api"), []string{`w.yaml:7: waivers[0].resource: "Deployment/payments/api" names a namespace too: write namespace: payments and resource: Deployment/api`}},
		{"unknown rule", header + entryYAML("FA-QUO-002", "FA-WL-003"), []string{`w.yaml:4: waivers[0].rule: "FA-WL-003" is not a rule fleetaudit loaded`, "rules list"}},
		{"no rule", header + entryYAML("  - rule: FA-QUO-002\n    clusters", "  - clusters"), []string{"w.yaml:4: waivers[0].rule: is required"}},
		{"the expired-waiver rule", header + entryYAML("FA-QUO-002", "FA-WAIVER-001"), []string{"waivers[0].rule: FA-WAIVER-001 (an expired waiver) cannot be waived"}},
		{"blank ticket", header + entryYAML("    expires: 2027-03-31\n", "    expires: 2027-03-31\n    ticket: \" \"\n"), []string{"w.yaml:11: waivers[0].ticket: is blank"}},
		{"wrong kind", strings.Replace(header, "WaiverList", "Waivers", 1) + entryYAML(), []string{`w.yaml:2: kind: "Waivers" is not WaiverList`}},
		{"wrong apiVersion", strings.Replace(header, "v1alpha1", "v1", 1) + entryYAML(), []string{`w.yaml:1: apiVersion: "fleetaudit.io/v1" is not fleetaudit.io/v1alpha1`}},
		{"empty file", "", []string{"w.yaml: the file is empty"}},
		{"not YAML", header + "  - rule: [\n", []string{"w.yaml:", "invalid YAML"}},
		{"two documents", header + entryYAML() + "---\n" + header, []string{"w.yaml:11: a second YAML document"}},
		{"duplicate", header + entryYAML() + entryYAML("2027-03-31", "2028-03-31"), []string{"w.yaml:11: waivers[1]: waives what waivers[0] (line 4) waives", "keep one entry"}},
		{"every problem at once", header + entryYAML("    owner: platform-team@example.com\n", "", "2027-03-31", "soon"), []string{"w.yaml:4: waivers[0].owner: is required", `w.yaml:9: waivers[0].expires: "soon" is not a date`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("w.yaml", []byte(tc.doc), rules)
			if err == nil {
				t.Fatalf("no error for:\n%s", tc.doc)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func finding(cluster, rule string, res policy.ResourceRef) policy.Finding {
	return policy.Finding{Cluster: cluster, RuleID: rule, Kind: "deny", Severity: policy.SeverityLow, Resource: res, Message: "m"}
}

func mustSet(t *testing.T, doc string) *Set {
	t.Helper()
	s, err := Parse("w.yaml", []byte(header+doc), rules)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMatches(t *testing.T) {
	ns := policy.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "payments"}
	dep := policy.ResourceRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "payments", Name: "payments-api"}
	node := policy.ResourceRef{APIVersion: "v1", Kind: "Node", Name: "n1"}
	for _, tc := range []struct {
		name, entry string
		f           policy.Finding
		want        bool
	}{
		{"cluster glob", entryYAML(), finding("prod-eu-west", "FA-QUO-002", ns), true},
		{"cluster glob misses", entryYAML(), finding("staging-eastus", "FA-QUO-002", ns), false},
		{"another rule", entryYAML(), finding("prod-eu-west", "FA-RBAC-001", ns), false},
		{"a Namespace is in itself", entryYAML("    resource: Namespace/payments\n", ""), finding("prod-eu", "FA-QUO-002", ns), true},
		{"namespace glob on a namespaced object", entryYAML("namespace: payments", "namespace: pay*", "Namespace/payments", "Deployment/payments-*"), finding("prod-eu", "FA-QUO-002", dep), true},
		{"namespace glob misses", entryYAML("namespace: payments", "namespace: search", "    resource: Namespace/payments\n", ""), finding("prod-eu", "FA-QUO-002", dep), false},
		{"namespace never matches a cluster-scoped object", entryYAML("namespace: payments", `namespace: "*"`, "    resource: Namespace/payments\n", ""), finding("prod-eu", "FA-QUO-002", node), false},
		{"kind case-insensitive, name glob", entryYAML("    namespace: payments\n", "", "Namespace/payments", "node/n?"), finding("prod-eu", "FA-QUO-002", node), true},
		{"name glob misses", entryYAML("    namespace: payments\n", "", "Namespace/payments", "Node/m*"), finding("prod-eu", "FA-QUO-002", node), false},
		{"kind differs", entryYAML("Namespace/payments", "Deployment/payments"), finding("prod-eu", "FA-QUO-002", ns), false},
		{"every cluster, any resource", entryYAML(`"prod-*"`, `"*"`, "    namespace: payments\n", "", "    resource: Namespace/payments\n", ""), finding("anything", "FA-QUO-002", node), true},
	} {
		w := mustSet(t, tc.entry).Waivers[0]
		if got := w.Matches(tc.f); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestExpiry: expires is inclusive: the waiver applies through the whole of its day (UTC),
// and from the next day on it is a finding of its own.
func TestExpiry(t *testing.T) {
	set := mustSet(t, entryYAML())
	w := set.Waivers[0]
	ns := policy.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "payments"}
	for _, tc := range []struct {
		name    string
		now     time.Time
		waived  bool
		expired int
		soon    bool
	}{
		{"the day before", time.Date(2027, 3, 30, 12, 0, 0, 0, time.UTC), true, 0, true},
		{"the day of, first second", time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), true, 0, true},
		{"the day of, last second", time.Date(2027, 3, 31, 23, 59, 59, 0, time.UTC), true, 0, true},
		{"the day of, late in New York (already the next day in UTC)", time.Date(2027, 3, 31, 21, 0, 0, 0, time.FixedZone("EDT", -4*3600)), false, 1, false},
		{"the day after", time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), false, 1, false},
		{"15 days before: not yet expiring soon", time.Date(2027, 3, 16, 8, 0, 0, 0, time.UTC), true, 0, false},
		{"14 days before: expiring soon", time.Date(2027, 3, 17, 8, 0, 0, 0, time.UTC), true, 0, true},
	} {
		// Two findings on the same resource: one expired finding for it, both matched.
		fs := []policy.Finding{finding("prod-eu", "FA-QUO-002", ns), finding("prod-eu", "FA-QUO-002", ns)}
		fs[1].Message = "other"
		expired, matched := set.Apply(fs, tc.now)
		if fs[0].Waived() != tc.waived || fs[1].Waived() != tc.waived || len(expired) != tc.expired || matched[0] != 2 {
			t.Errorf("%s: waived %v/%v, %d expired findings, matched %v", tc.name, fs[0].Waived(), fs[1].Waived(), len(expired), matched)
		}
		if w.ExpiringSoon(tc.now) != tc.soon || (tc.waived && fs[0].Waiver.ExpiringSoon != tc.soon) {
			t.Errorf("%s: expiring soon %v, want %v", tc.name, w.ExpiringSoon(tc.now), tc.soon)
		}
		if tc.waived {
			want := policy.Waiver{Owner: "platform-team@example.com", Reason: "payments sizes its pods itself", Expires: "2027-03-31", Source: "w.yaml:4", ExpiringSoon: tc.soon}
			if *fs[0].Waiver != want {
				t.Errorf("%s: mark %+v", tc.name, *fs[0].Waiver)
			}
		}
		if tc.expired > 0 {
			e := expired[0]
			if e.RuleID != ExpiredRuleID || e.Severity != policy.SeverityMedium || e.Category != policy.CategoryCompliance || e.Kind != "deny" ||
				e.Cluster != "prod-eu" || e.Resource != ns ||
				e.Message != "the waiver of FA-QUO-002 for Namespace/payments (owner platform-team@example.com, w.yaml:4) expired on 2027-03-31: its findings count again; renew it with a new expiry or fix them and delete it" {
				t.Errorf("%s: expired finding %+v", tc.name, e)
			}
		}
	}
}

func TestApplyFirstActiveWaiverWinsAndExpiredOnesStillReport(t *testing.T) {
	set := mustSet(t, entryYAML("2027-03-31", "2026-01-31")+entryYAML(`"prod-*"`, `"*"`, "Namespace/payments", "Namespace/pay*", "owner: platform-team@example.com", "owner: second@example.com")+
		`  - rule: FA-RBAC-001
    clusters: "*"
    owner: o
    reason: r
    expires: 2030-01-01
`)
	ns := policy.ResourceRef{Kind: "Namespace", Name: "payments"}
	fs := []policy.Finding{finding("prod-eu", "FA-QUO-002", ns), finding("prod-eu", ExpiredRuleID, ns)}
	expired, matched := set.Apply(fs, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if fs[0].Waiver == nil || fs[0].Waiver.Owner != "second@example.com" {
		t.Errorf("the active waiver must apply, not the expired one before it: %+v", fs[0].Waiver)
	}
	if fs[1].Waived() || len(expired) != 1 || matched[0] != 1 || matched[1] != 1 || matched[2] != 0 {
		t.Errorf("expired findings %d, matched %v; an expired-waiver finding is never waived: %v", len(expired), matched, fs[1].Waived())
	}
	sum := set.Summarize(matched, 1, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if sum.Waived != 1 || len(sum.Expired) != 1 || sum.Expired[0].Source != "w.yaml:4" || len(sum.Stale) != 1 || sum.Stale[0].Rule != "FA-RBAC-001" || len(sum.ExpiringSoon) != 0 {
		t.Errorf("summary %+v", sum)
	}
	var none *Set
	if e, m := none.Apply(fs, time.Now()); e != nil || m != nil || none.Summarize(nil, 0, time.Now()) != nil {
		t.Error("a nil set must waive nothing")
	}
}
