package policy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Finding is one result of one rule on one cluster.
type Finding struct {
	Cluster  string   `json:"cluster"`
	RuleID   string   `json:"rule"`
	Title    string   `json:"title"`
	Category Category `json:"category"`
	// Framework is the compliance framework of the rule (rbac, cis), if any.
	Framework string   `json:"framework,omitempty"`
	Severity  Severity `json:"severity"`
	// Kind is "deny" (a violation) or "warn" (advice).
	Kind string `json:"kind"`
	// Resource is the object the finding is about.
	Resource ResourceRef `json:"resource"`
	// Controls are the controls of compliance frameworks the finding bears on (a CIS check,
	// say), from the rule's METADATA and from the finding itself.
	Controls    []Control `json:"controls,omitempty"`
	Message     string    `json:"message"`
	Remediation string    `json:"remediation,omitempty"`
	References  []string  `json:"references,omitempty"`
	// Details holds any further fields the rule put in its finding object.
	Details map[string]any `json:"details,omitempty"`
	// Waiver, when set, is the accepted risk that waives the finding (internal/waiver): the
	// finding stays in every output, marked, but no longer counts toward --fail-on, compliance
	// scores, open-finding counts or gate blocks.
	Waiver *Waiver `json:"waiver,omitempty"`
	// Baseline says whether the finding was in the baseline report (--baseline); empty
	// without one.
	Baseline BaselineState `json:"baseline,omitempty"`
	// Location is where the finding's object (or its offending field) is written, for
	// findings on objects read from files (audit --manifests, --helm-chart, --kustomize);
	// nil for live clusters and snapshots.
	Location *Location `json:"location,omitempty"`
	// MonthlySaving is what acting on the finding saves per month in the cost currency
	// (cost rules only): the rule's "monthly_saving" key.
	MonthlySaving *float64 `json:"monthlySaving,omitempty"`
}

// Location is a place in a file: the object a finding is about, or the field the rule
// names (ResourceRef.FieldPath) when the file has it.
type Location struct {
	// File is the file's path as given on the command line (slash-separated), "<stdin>",
	// or, for a Helm chart, the template's path (the chart folder joined with
	// templates/NAME.yaml).
	File string `json:"file"`
	// Line is the 1-based line of the field, else of the object's first line.
	Line int `json:"line"`
	// Column is the 1-based column of the field's key, when Line is a field's line.
	Column int `json:"column,omitempty"`
	// Rendered is true when File is a template and Line counts lines of its rendered
	// output (Helm), which can differ from the template source.
	Rendered bool `json:"rendered,omitempty"`
}

// String is "file:line" (with ":column" when known).
func (l Location) String() string {
	if l.Column > 0 {
		return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
	}
	return fmt.Sprintf("%s:%d", l.File, l.Line)
}

// Waived reports whether an accepted risk waives the finding.
func (f Finding) Waived() bool { return f.Waiver != nil }

// Waiver is the accepted risk a finding is waived by: who accepted it, why, and until when.
type Waiver struct {
	Owner  string `json:"owner"`
	Reason string `json:"reason"`
	// Expires is the last day the waiver applies (YYYY-MM-DD, UTC; inclusive).
	Expires string `json:"expires"`
	Ticket  string `json:"ticket,omitempty"`
	// Source is where the waiver is written, as file:line.
	Source string `json:"source"`
	// ExpiringSoon: the waiver expires within 14 days of the run.
	ExpiringSoon bool `json:"expiringSoon,omitempty"`
}

// String is the waiver in one line, for tables and gate warnings.
func (w *Waiver) String() string {
	s := "accepted by " + w.Owner + " until " + w.Expires
	if w.Ticket != "" {
		s += " (" + w.Ticket + ")"
	}
	return s
}

// BaselineState is a finding's state against a baseline report.
type BaselineState string

// Baseline states: a finding of the run that the baseline did not have, or had.
const (
	BaselineNew       BaselineState = "new"
	BaselineUnchanged BaselineState = "unchanged"
)

// Category is a rule's area.
type Category string

// Categories of rules and findings.
const (
	CategoryCompliance Category = "compliance"
	CategoryQuota      Category = "quota"
	CategoryCost       Category = "cost"
	CategoryUpgrade    Category = "upgrade"
	// CategoryDrift: the cluster differs from the profile version it is held to.
	CategoryDrift Category = "drift"
	// CategoryWorkload: how workloads run (Pod Security Standards, images, probes,
	// resources, ServiceAccount tokens, NetworkPolicies).
	CategoryWorkload Category = "workload"
	// CategoryCertificates: machine identities (serving chains, CA bundles, client
	// certificates, cert-manager Certificates, CSRs) that expire, never expire or are weak.
	CategoryCertificates Category = "certificates"
	// CategoryBackup: backup and restore readiness (Velero locations, schedules, backups,
	// restore tests).
	CategoryBackup Category = "backup"
	// CategoryAutoscaling: HPAs, VPAs, metrics-server, cluster autoscaler and Karpenter
	// that cannot scale.
	CategoryAutoscaling Category = "autoscaling"
	// CategoryObservability: whether the cluster is measured at all (metrics pipeline,
	// scrapes, log and event agents on every node).
	CategoryObservability Category = "observability"
)

// Categories lists every valid category.
var Categories = []Category{CategoryCompliance, CategoryQuota, CategoryCost, CategoryUpgrade, CategoryDrift, CategoryWorkload,
	CategoryCertificates, CategoryBackup, CategoryAutoscaling, CategoryObservability}

// ResourceRef names the object a finding is about, in the shape of a Kubernetes
// ObjectReference: Kind in its API CamelCase ("PodDisruptionBudget"), Namespace empty for
// cluster-scoped objects. A finding about the cluster as a whole has Kind "Cluster" and the
// cluster's name. FieldPath, when set, points into the object ("spec.layers[name=cilium]").
type ResourceRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	FieldPath  string `json:"fieldPath,omitempty"`
}

// String is "Kind/name" or "Kind/namespace/name", for people (tables, messages).
func (r ResourceRef) String() string {
	s := r.Kind + "/"
	if r.Namespace != "" {
		s += r.Namespace + "/"
	}
	return s + r.Name
}

// NamespaceScope is the namespace the object is in, or is: a namespaced object's namespace,
// a Namespace object's own name (a missing ResourceQuota is about that namespace); "" for
// other cluster-scoped objects (nodes, cluster roles, users, groups).
func (r ResourceRef) NamespaceScope() string {
	if r.Namespace == "" && r.Kind == "Namespace" {
		return r.Name
	}
	return r.Namespace
}

// Compare orders references by kind, namespace, name and field path.
func (r ResourceRef) Compare(o ResourceRef) int {
	return cmp.Or(cmp.Compare(r.Kind, o.Kind), cmp.Compare(r.Namespace, o.Namespace),
		cmp.Compare(r.Name, o.Name), cmp.Compare(r.FieldPath, o.FieldPath), cmp.Compare(r.APIVersion, o.APIVersion))
}

// UnmarshalJSON reads the object form, and the "kind/namespace/name" string that reports of
// schema v1alpha1 carried, so an old report still loads as the previous one of a history.
func (r *ResourceRef) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*r = ParseLegacyResource(s, "")
		return nil
	}
	type plain ResourceRef
	return json.Unmarshal(b, (*plain)(r))
}

// knownKinds maps lower-case kinds to their API spelling and version, for resources written
// as "kind/namespace/name" strings (reports of schema v1alpha1, rules written for it).
var knownKinds = func() map[string][2]string {
	m := map[string][2]string{}
	for _, k := range [][3]string{
		{"v1", "Node", ""}, {"v1", "Namespace", ""}, {"v1", "Pod", ""}, {"v1", "Service", ""},
		{"v1", "ServiceAccount", ""}, {"v1", "ConfigMap", ""}, {"v1", "Secret", ""}, {"v1", "ResourceQuota", ""},
		{"v1", "LimitRange", ""}, {"v1", "PersistentVolume", ""}, {"v1", "PersistentVolumeClaim", ""},
		{"apps/v1", "Deployment", ""}, {"apps/v1", "StatefulSet", ""}, {"apps/v1", "DaemonSet", ""},
		{"apps/v1", "ReplicaSet", ""}, {"batch/v1", "Job", ""}, {"batch/v1", "CronJob", ""},
		{"policy/v1", "PodDisruptionBudget", ""}, {"rbac.authorization.k8s.io/v1", "Role", ""},
		{"rbac.authorization.k8s.io/v1", "ClusterRole", ""}, {"rbac.authorization.k8s.io/v1", "RoleBinding", ""},
		{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", ""}, {"rbac.authorization.k8s.io/v1", "User", ""},
		{"rbac.authorization.k8s.io/v1", "Group", ""}, {"networking.k8s.io/v1", "NetworkPolicy", ""},
		{"networking.k8s.io/v1", "Ingress", ""}, {"autoscaling/v2", "HorizontalPodAutoscaler", ""},
		{"", "Cluster", ""},
	} {
		m[strings.ToLower(k[1])] = [2]string{k[1], k[0]}
	}
	return m
}()

// ParseLegacyResource reads a resource written as a string ("node/n1", "deployment/ns/name",
// "User/alice", "cluster"): the form of reports of schema v1alpha1 and of user rules written
// before typed resources. cluster names the cluster for the bare "cluster" form. Kinds this
// table knows get their API spelling; others keep the spelling written.
func ParseLegacyResource(s, cluster string) ResourceRef {
	parts := strings.Split(s, "/")
	var r ResourceRef
	switch len(parts) {
	case 1:
		if strings.EqualFold(s, "cluster") {
			return ResourceRef{Kind: "Cluster", Name: cluster}
		}
		r = ResourceRef{Kind: "Cluster", Name: s}
	case 2:
		r = ResourceRef{Kind: parts[0], Name: parts[1]}
	default:
		r = ResourceRef{Kind: parts[0], Namespace: parts[1], Name: strings.Join(parts[2:], "/")}
	}
	if k, ok := knownKinds[strings.ToLower(r.Kind)]; ok {
		r.Kind, r.APIVersion = k[0], k[1]
	}
	return r
}

// Control is a control of a compliance framework: {CIS, 1.2.2} or {NSA, …}. Version names
// the edition of the framework where controls are numbered differently across editions
// (the CIS benchmark, e.g. cis-1.12).
type Control struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
	Version   string `json:"version,omitempty"`
}

// String is "Framework ID", e.g. "CIS 1.2.2".
func (c Control) String() string { return c.Framework + " " + c.ID }

// ControlOf returns the ID of the finding's first control of framework (case-insensitive),
// or "".
func (f Finding) ControlOf(framework string) string {
	for _, c := range f.Controls {
		if strings.EqualFold(c.Framework, framework) {
			return c.ID
		}
	}
	return ""
}

// parseControls reads a list of {framework, id[, version]} objects written in Rego.
func parseControls(v any) ([]Control, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("controls must be a list of {framework, id}")
	}
	out := make([]Control, 0, len(list))
	for _, x := range list {
		m, _ := x.(map[string]any)
		c := Control{}
		c.Framework, _ = m["framework"].(string)
		c.ID, _ = m["id"].(string)
		c.Version, _ = m["version"].(string)
		if c.Framework == "" || c.ID == "" {
			return nil, fmt.Errorf("control %v: want {framework, id} strings", x)
		}
		out = append(out, c)
	}
	return out, nil
}

// SortFindings orders findings deterministically: most severe first, then cluster, rule,
// resource and message.
func SortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			cmp.Compare(a.Cluster, b.Cluster),
			cmp.Compare(a.RuleID, b.RuleID),
			a.Resource.Compare(b.Resource),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
