package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"

	orv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/manifests"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// OpenReports renders Open Reports (openreports.io/v1alpha1) per cluster: a ClusterReport
// with every rule's result (pass, fail, warn) on cluster-scoped resources, and a Report per
// namespace with the results on namespaced resources. They are written to files, never into
// the audited clusters. Types: github.com/openreports/reports-api.
func OpenReports(r *Report) (map[string][]byte, error) {
	return policyReports(r, "openreports", func(meta metav1.ObjectMeta, sum orv1.ReportSummary, results []orv1.ReportResult) any {
		tm := metav1.TypeMeta{APIVersion: "openreports.io/v1alpha1", Kind: "Report"}
		if meta.Namespace == "" {
			tm.Kind = "ClusterReport"
			return orv1.ClusterReport{TypeMeta: tm, ObjectMeta: meta, Source: source, Summary: sum, Results: results}
		}
		return orv1.Report{TypeMeta: tm, ObjectMeta: meta, Source: source, Summary: sum, Results: results}
	})
}

// wgPolicyReport is the envelope of wgpolicyk8s.io/v1alpha2 PolicyReport and
// ClusterPolicyReport: the Open Reports shape (whose results it shares) without the
// top-level source, which that API does not have.
type wgPolicyReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Summary           orv1.ReportSummary  `json:"summary"`
	Results           []orv1.ReportResult `json:"results"`
}

// WGPolicyReports renders the same reports as the older wg-policy API
// (wgpolicyk8s.io/v1alpha2 PolicyReport and ClusterPolicyReport), which Policy Reporter and
// Kyverno read.
func WGPolicyReports(r *Report) (map[string][]byte, error) {
	return policyReports(r, "policyreports", func(meta metav1.ObjectMeta, sum orv1.ReportSummary, results []orv1.ReportResult) any {
		k := "PolicyReport"
		if meta.Namespace == "" {
			k = "ClusterPolicyReport"
		}
		return wgPolicyReport{TypeMeta: metav1.TypeMeta{APIVersion: "wgpolicyk8s.io/v1alpha2", Kind: k},
			ObjectMeta: meta, Summary: sum, Results: results}
	})
}

const source = "fleetaudit"

// reportDoc builds one document of an API from its metadata (namespace empty for the
// cluster-scoped one), summary and results.
type reportDoc func(meta metav1.ObjectMeta, sum orv1.ReportSummary, results []orv1.ReportResult) any

// policyReports builds, per cluster, one cluster-scoped document and one per namespace, and
// writes them as a multi-document YAML file dir/<cluster>.yaml.
func policyReports(r *Report, dir string, doc reportDoc) (map[string][]byte, error) {
	out := map[string][]byte{}
	ts := metav1.Timestamp{Seconds: r.GeneratedAt.Unix()}
	for _, c := range r.Clusters {
		var clusterResults []orv1.ReportResult
		namespaced := map[string][]orv1.ReportResult{}
		failed := map[string]bool{}
		for _, f := range c.Findings {
			if f.Kind == "deny" {
				failed[f.RuleID] = true
			}
			res := findingResult(f, ts)
			if ns := f.Resource.Namespace; ns != "" {
				namespaced[ns] = append(namespaced[ns], res)
			} else {
				clusterResults = append(clusterResults, res)
			}
		}
		if c.Status != facts.StatusFailed {
			errs := map[string]policy.RuleError{}
			for _, e := range c.RuleErrors {
				errs[e.Rule] = e
			}
			missing := missingFacts(c.Collection)
			for _, ru := range r.Rules {
				if e, ok := errs[ru.ID]; ok { // not evaluated: an error, never a pass
					clusterResults = append(clusterResults, orv1.ReportResult{Source: source, Policy: ru.ID, Rule: ru.Title,
						Category: string(ru.Category), Severity: orv1.ResultSeverity(ru.Severity), Timestamp: ts, Result: "error",
						Description: e.Message})
				} else if why := unjudged(ru, missing); why != "" && !failed[ru.ID] {
					// Its facts were not collected: no finding proves nothing, so no pass either.
					clusterResults = append(clusterResults, orv1.ReportResult{Source: source, Policy: ru.ID, Rule: ru.Title,
						Category: string(ru.Category), Severity: orv1.ResultSeverity(ru.Severity), Timestamp: ts, Result: "skip",
						Description: why})
				} else if !failed[ru.ID] {
					clusterResults = append(clusterResults, orv1.ReportResult{Source: source, Policy: ru.ID, Rule: ru.Title,
						Category: string(ru.Category), Severity: orv1.ResultSeverity(ru.Severity), Timestamp: ts, Result: "pass"})
				}
			}
		}
		var docs [][]byte
		for _, ns := range append([]string{""}, sortedKeys(namespaced)...) {
			results := clusterResults
			if ns != "" {
				results = namespaced[ns]
			}
			if results == nil {
				results = []orv1.ReportResult{}
			}
			b, err := yaml.Marshal(doc(reportMeta(c.Name, ns), summarize(results), results))
			if err != nil {
				return nil, err
			}
			docs = append(docs, b)
		}
		out[dir+"/"+facts.FileStem(c.Name)+".yaml"] = bytes.Join(docs, []byte("---\n"))
	}
	return out, nil
}

const notRun = " collector did not run on this cluster"

// onFiles begins the reason of a path that facts built from files do not have: like
// notRun, nothing could collect it, rather than something failed.
const onFiles = "not judged on "

// notCollected reports whether why says that nothing collected a path (rather than that a
// collector failed).
func notCollected(why string) bool {
	return strings.HasSuffix(why, notRun) || strings.HasPrefix(why, onFiles)
}

// missingFacts maps the facts paths that failed collectors did not (fully) write, and those
// of collectors that did not run at all, to why. Facts built from files (a run named after
// the input kind, manifests.Kinds) have manifests.Writes and lack the rest.
func missingFacts(runs []facts.CollectorRun) map[string]string {
	out := map[string]string{}
	writes := collectors.Writes()
	ran := map[string]bool{}
	fileRun := ""
	for _, run := range runs {
		ran[run.Collector] = true
		if slices.Contains(manifests.Kinds, run.Collector) {
			fileRun = run.Collector
			continue // its read errors leave objects out, not paths
		}
		if run.OK() {
			continue
		}
		for _, p := range writes[run.Collector] {
			out[p] = "not judged: the " + run.Collector + " collector failed (" + run.Error + ")"
		}
	}
	for name, paths := range writes { // not configured, or a snapshot older than the collector
		if ran[name] {
			continue
		}
		for _, p := range paths {
			switch {
			case fileRun == "":
				out[p] = "not judged: the " + name + notRun
			case !slices.Contains(facts.SourcePaths, p):
				out[p] = onFiles + fileRun + ": it reads " + p + ", the state of a live cluster, which files do not have"
			}
		}
	}
	return out
}

// skippedRules are the rules of c not judged, by the test the PolicyReports' "skip" results
// and the control table use: a path the rule reads is missing, and the rule neither failed
// to evaluate (an error) nor denied anything.
func skippedRules(c ClusterReport, rules []RuleInfo) []SkippedRule {
	out := []SkippedRule{}
	if c.Status == facts.StatusFailed {
		return out
	}
	skip := map[string]bool{}
	for _, f := range c.Findings {
		if f.Kind == "deny" {
			skip[f.RuleID] = true
		}
	}
	for _, e := range c.RuleErrors {
		skip[e.Rule] = true
	}
	missing := missingFacts(c.Collection)
	for _, ru := range rules {
		if why := unjudged(ru, missing); why != "" && !skip[ru.ID] {
			out = append(out, SkippedRule{Rule: ru.ID, Reason: why})
		}
	}
	return out
}

// unjudged says why a rule could not be judged when a path it reads is missing ("" when
// every path it reads was collected). A rule that declares no reads reads every path.
func unjudged(ru RuleInfo, missing map[string]string) string {
	for _, p := range slices.Sorted(maps.Keys(missing)) {
		if len(ru.Reads) == 0 {
			// A rule that reads everything needs what ran to be complete, not every
			// optional collector (CIS) to have run.
			if !notCollected(missing[p]) {
				return missing[p]
			}
			continue
		}
		if collectors.ReadsPath(ru.Reads, p) {
			return missing[p]
		}
	}
	return ""
}

func reportMeta(cluster, ns string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "fleetaudit-" + dnsLabel(cluster, 63-len("fleetaudit-")), Namespace: ns, Labels: map[string]string{
		"app.kubernetes.io/managed-by": "fleetaudit", "fleetaudit.io/cluster": dnsLabel(cluster, 63)}}
}

// dnsLabel turns a cluster name (a kubeconfig context such as arn:aws:eks:…:cluster/Prod)
// into a valid object name and label value of at most max characters: lower case,
// alphanumerics and "-", starting and ending alphanumeric. A name that had to change gets a
// short hash of the original, so two clusters never share a report.
func dnsLabel(name string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out != "" && out == name && len(out) <= max {
		return out
	}
	sum := sha256.Sum256([]byte(name))
	suffix := hex.EncodeToString(sum[:4])
	if len(out) > max-len(suffix)-1 {
		out = strings.TrimRight(out[:max-len(suffix)-1], "-")
	}
	if out == "" {
		return suffix
	}
	return out + "-" + suffix
}

func findingResult(f policy.Finding, ts metav1.Timestamp) orv1.ReportResult {
	res := orv1.ReportResult{Source: source, Policy: f.RuleID, Rule: f.Title, Category: string(f.Category),
		Severity: orv1.ResultSeverity(f.Severity), Timestamp: ts, Result: "warn", Description: f.Message}
	if f.Kind == "deny" {
		res.Result = "fail"
	}
	if f.Waived() { // as Kyverno reports a policy exception: skip, with who accepted the risk
		res.Result = "skip"
	}
	// A finding about the cluster as a whole has no resource: the report's scope is the cluster.
	if f.Resource.Kind != "Cluster" {
		res.Subjects = []corev1.ObjectReference{{APIVersion: f.Resource.APIVersion, Kind: f.Resource.Kind,
			Namespace: f.Resource.Namespace, Name: f.Resource.Name, FieldPath: f.Resource.FieldPath}}
	}
	props := map[string]string{}
	for _, c := range f.Controls {
		props["control."+slugKey(c.Framework)] = c.ID
	}
	if f.Remediation != "" {
		props["remediation"] = f.Remediation
	}
	if w := f.Waiver; w != nil {
		props["waiver.owner"], props["waiver.reason"], props["waiver.expires"], props["waiver.source"] = w.Owner, w.Reason, w.Expires, w.Source
		if w.Ticket != "" {
			props["waiver.ticket"] = w.Ticket
		}
	}
	if len(props) > 0 {
		res.Properties = props
	}
	return res
}

func slugKey(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			} else {
				b[i] = '-'
			}
		}
	}
	return string(b)
}

func summarize(results []orv1.ReportResult) orv1.ReportSummary {
	var s orv1.ReportSummary
	for _, r := range results {
		switch r.Result {
		case "pass":
			s.Pass++
		case "fail":
			s.Fail++
		case "warn":
			s.Warn++
		case "error":
			s.Error++
		case "skip":
			s.Skip++
		}
	}
	return s
}
