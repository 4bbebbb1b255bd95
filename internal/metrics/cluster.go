package metrics

import (
	"maps"
	"slices"
	"strings"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// cluster adds the samples of one cluster; c may be nil when no facts were kept.
func (b *builder) cluster(r fleet.Result, c *facts.Cluster) {
	name := r.Cluster
	platform := "self-managed"
	if c != nil {
		if p := collectors.DetectPlatform(c); p != "" {
			platform = p
		}
	}
	b.add("fleetaudit_cluster_info", 1, name, r.Version, platform, string(r.Status))
	if p := r.Profile; p != nil && p.Profile != "" {
		b.add("fleetaudit_profile_info", 1, name, p.Profile, p.HeldTo, p.Runs)
		b.add("fleetaudit_profile_update_available", boolValue(p.UpdateAvailable), name, p.Profile, p.Newest)
	}
	for _, run := range r.Collection {
		b.add("fleetaudit_collector_up", boolValue(run.OK()), name, run.Collector)
		b.add("fleetaudit_collector_duration_seconds", run.DurationSeconds, name, run.Collector)
	}
	for _, e := range r.RuleErrors {
		b.add("fleetaudit_rule_errors", 1, name, e.Rule, e.Reason)
	}
	type catSev struct{ cat, sev string }
	type ruleKey struct{ rule, cat, sev string }
	findings, violations, waived := map[catSev]float64{}, map[ruleKey]float64{}, map[[2]string]float64{}
	riskySubjects := map[[2]string]map[policy.ResourceRef]bool{}
	for _, f := range r.Findings {
		if f.Waived() {
			waived[[2]string{f.RuleID, string(f.Severity)}]++
			continue
		}
		findings[catSev{string(f.Category), string(f.Severity)}]++
		if f.Kind != "deny" {
			continue
		}
		violations[ruleKey{f.RuleID, string(f.Category), string(f.Severity)}]++
		if f.Framework == "rbac" {
			k := [2]string{f.RuleID, string(f.Severity)}
			if riskySubjects[k] == nil {
				riskySubjects[k] = map[policy.ResourceRef]bool{}
			}
			riskySubjects[k][f.Resource] = true
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(findings), func(a, b catSev) int { return cmpStr(a.cat+a.sev, b.cat+b.sev) }) {
		b.add("fleetaudit_findings", findings[k], name, k.cat, k.sev)
	}
	for _, k := range slices.SortedFunc(maps.Keys(violations), func(a, b ruleKey) int { return cmpStr(a.rule+a.sev, b.rule+b.sev) }) {
		b.add("fleetaudit_rule_violations", violations[k], name, k.rule, k.cat, k.sev)
	}
	for _, k := range slices.SortedFunc(maps.Keys(waived), func(a, b [2]string) int { return cmpStr(a[0]+a[1], b[0]+b[1]) }) {
		b.add("fleetaudit_waived_findings", waived[k], name, k[0], k[1])
	}
	for _, k := range slices.SortedFunc(maps.Keys(riskySubjects), func(a, b [2]string) int { return cmpStr(a[0]+a[1], b[0]+b[1]) }) {
		b.add("fleetaudit_rbac_risky_subjects", float64(len(riskySubjects[k])), name, k[0], k[1])
	}
	b.posture(name, r)
	for _, fw := range slices.Sorted(maps.Keys(r.Scores)) {
		b.add("fleetaudit_compliance_score_ratio", r.Scores[fw].Ratio, name, fw)
	}
	if c == nil {
		return
	}
	b.readiness(name, r, c)
	b.certificates(name, c)
	if c.CIS != nil {
		st := map[string]float64{}
		for _, n := range c.CIS.Nodes {
			for _, ch := range n.Checks {
				st[ch.Status]++
			}
		}
		for _, s := range slices.Sorted(maps.Keys(st)) {
			b.add("fleetaudit_cis_checks", st[s], name, c.CIS.Benchmark, s)
		}
	}
	if c.Cost != nil {
		nodes := map[[2]string]float64{}
		for _, n := range c.Cost.Nodes {
			nodes[[2]string{n.CapacityType, n.InstanceType}]++
		}
		for _, k := range slices.SortedFunc(maps.Keys(nodes), func(a, b [2]string) int { return cmpStr(a[0]+"/"+a[1], b[0]+"/"+b[1]) }) {
			b.add("fleetaudit_nodes", nodes[k], name, k[0], k[1])
		}
		for _, ct := range slices.Sorted(maps.Keys(c.Cost.HourlyByCapacityType)) {
			b.add("fleetaudit_cost_usd_per_hour", c.Cost.HourlyByCapacityType[ct], name, ct)
		}
		b.namespaceCost(name, c.Cost.Namespaces)
		b.add("fleetaudit_idle_cost_usd_per_hour", c.Cost.IdleHourly, name)
		b.add("fleetaudit_unpriced_nodes", float64(len(c.Cost.Unpriced)), name)
	}
	b.backup(name, c.Backup)
	var alloc facts.Resources
	for _, n := range c.Nodes {
		alloc.CPUMillis += n.Allocatable.CPUMillis
		alloc.MemoryBytes += n.Allocatable.MemoryBytes
	}
	b.resources("fleetaudit_resource_allocatable", name, alloc)
	if u := c.Usage; u != nil {
		b.resources("fleetaudit_resource_requests", name, u.Requests)
		if u.Usage != nil {
			b.resources("fleetaudit_resource_usage", name, *u.Usage)
		}
		b.quotas(name, u.Quotas)
	}
}

func (b *builder) resources(metric, cluster string, r facts.Resources) {
	b.add(metric, float64(r.CPUMillis)/1000, cluster, "cpu", "core")
	b.add(metric, float64(r.MemoryBytes), cluster, "memory", "byte")
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// posture adds the Pod Security Standards violations per namespace and, for every control the
// rules cite, whether a deny finding failed it on the cluster.
func (b *builder) posture(cluster string, r fleet.Result) {
	type nsKey struct{ ns, level, state string }
	pss := map[nsKey]float64{}
	failed := map[[2]string]bool{}
	for _, f := range r.Findings {
		if f.Kind != "deny" {
			continue
		}
		state := "open"
		if f.Waived() {
			state = "waived"
		}
		levels := map[string]bool{}
		for _, c := range f.Controls { // the rule's METADATA controls and the finding's own
			if c.Framework == "PSS" {
				level, _, _ := strings.Cut(c.ID, "/")
				levels[level] = true
			}
			if state == "open" {
				failed[[2]string{c.Framework, c.ID}] = true
			}
		}
		for level := range levels {
			pss[nsKey{f.Resource.Namespace, level, state}]++
		}
	}
	perNS := map[string]float64{}
	for k, n := range pss {
		perNS[k.ns] += n
	}
	keep := topNamespaces(perNS, b.topNamespaces)
	bounded := make(map[nsKey]float64, len(pss))
	for k, n := range pss {
		if !keep[k.ns] {
			k.ns = OtherNamespace
		}
		bounded[k] += n
	}
	for _, k := range slices.SortedFunc(maps.Keys(bounded), func(a, b nsKey) int { return cmpStr(a.ns+"/"+a.level+"/"+a.state, b.ns+"/"+b.level+"/"+b.state) }) {
		b.add("fleetaudit_pss_violations", bounded[k], cluster, k.ns, k.level, k.state)
	}
	if r.Status == facts.StatusFailed {
		return
	}
	for _, k := range b.controls { // kube-bench checks have fleetaudit_cis_checks instead
		b.add("fleetaudit_control_failed", boolValue(failed[k]), cluster, k[0], k[1])
	}
}
