package collectors

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// rbacSeed creates RBAC objects through the API of a real cluster.
type rbacSeed struct {
	t  *testing.T
	cs kubernetes.Interface
}

func rule(verbs, groups, resources []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
}

func user(n string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "User", Name: n, APIGroup: rbacv1.GroupName}
}
func group(n string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "Group", Name: n, APIGroup: rbacv1.GroupName}
}
func sa(ns, n string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "ServiceAccount", Namespace: ns, Name: n}
}

func (s rbacSeed) clusterRole(name string, labels map[string]string, agg *rbacv1.AggregationRule, rules ...rbacv1.PolicyRule) {
	_, err := s.cs.RbacV1().ClusterRoles().Create(context.Background(), &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Rules: rules, AggregationRule: agg}, metav1.CreateOptions{})
	if err != nil {
		s.t.Fatalf("create clusterrole %s: %v", name, err)
	}
}

func (s rbacSeed) role(ns, name string, rules ...rbacv1.PolicyRule) {
	_, err := s.cs.RbacV1().Roles(ns).Create(context.Background(), &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Rules: rules}, metav1.CreateOptions{})
	if err != nil {
		s.t.Fatalf("create role %s/%s: %v", ns, name, err)
	}
}

func (s rbacSeed) crb(name, role string, subjects ...rbacv1.Subject) {
	_, err := s.cs.RbacV1().ClusterRoleBindings().Create(context.Background(), &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subjects,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}}, metav1.CreateOptions{})
	if err != nil {
		s.t.Fatalf("create clusterrolebinding %s: %v", name, err)
	}
}

func (s rbacSeed) rb(ns, name, roleKind, role string, subjects ...rbacv1.Subject) {
	_, err := s.cs.RbacV1().RoleBindings(ns).Create(context.Background(), &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Subjects: subjects,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: roleKind, Name: role}}, metav1.CreateOptions{})
	if err != nil {
		s.t.Fatalf("create rolebinding %s/%s: %v", ns, name, err)
	}
}

// finding is the part of a finding the table test compares: rule, subject and path.
type finding struct{ rule, resource, path string }

func (f finding) String() string { return f.rule + " " + f.resource + " via " + f.path }

// TestRBACRisksOnRealCluster seeds one binding for every risk pattern of FACTS.md and safe
// look-alikes of them into a real API server, collects, evaluates, and compares the complete
// set of RBAC findings with the expected one: every risk on the right subject and path, and
// nothing else (no look-alike, no built-in bootstrap role or binding).
func TestRBACRisksOnRealCluster(t *testing.T) {
	cl := testcluster.Start(t, "rbac").Clusters[0]
	ctx := context.Background()
	engine, err := policy.New(ctx, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	collect := func() (*facts.Cluster, []policy.Finding) {
		c := &facts.Cluster{Name: "rbac"}
		Run(ctx, All(Config{}), Target{Client: cl.Admin, PageSize: 50}, c)
		if c.Status() != facts.StatusOK {
			t.Fatalf("collection: %s", c.Problem())
		}
		fs, err := engine.Evaluate(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return c, fs
	}
	rbacFindings := func(fs []policy.Finding) []finding {
		var out []finding
		for _, f := range fs {
			if f.Framework == "rbac" {
				p, _ := f.Details["path"].(string)
				out = append(out, finding{f.RuleID, f.Resource.String(), p})
			}
		}
		slices.SortFunc(out, func(a, b finding) int { return cmp.Compare(a.String(), b.String()) })
		return out
	}

	// A fresh cluster (only the API server's bootstrap RBAC) must have no RBAC findings.
	if got := rbacFindings(func() []policy.Finding { _, fs := collect(); return fs }()); len(got) != 0 {
		t.Fatalf("bootstrap RBAC flagged (false positives):\n%v", got)
	}

	for _, ns := range []string{"apps", "ci", "monitoring", "shop", "team-a"} {
		cl.CreateNamespace(t, ns)
	}
	s := rbacSeed{t, cl.Admin}
	// Risks, one per pattern.
	s.crb("alice-admin", "cluster-admin", user("root-alice"))
	s.clusterRole("wild-deploy", nil, nil, rule([]string{"*"}, []string{"apps"}, []string{"deployments"}))
	s.crb("bob-wild", "wild-deploy", user("wild-bob"))
	s.clusterRole("secret-reader", nil, nil, rule([]string{"get", "list"}, []string{""}, []string{"secrets"}))
	s.crb("secret-reader", "secret-reader", sa("apps", "secret-reader"))
	s.role("apps", "exec", rule([]string{"create"}, []string{""}, []string{"pods/exec"}))
	s.rb("apps", "carol-exec", "Role", "exec", user("exec-carol"))
	s.clusterRole("portforward", nil, nil, rule([]string{"create"}, []string{""}, []string{"pods/portforward"}))
	s.crb("debuggers", "portforward", group("debuggers"))
	s.clusterRole("ephemeral", nil, nil, rule([]string{"patch"}, []string{""}, []string{"pods/ephemeralcontainers"}))
	s.crb("dave-eph", "ephemeral", user("eph-dave"))
	s.clusterRole("role-binder", nil, nil, rule([]string{"bind"}, []string{"rbac.authorization.k8s.io"}, []string{"clusterroles"}))
	s.crb("deployer-bind", "role-binder", sa("ci", "deployer"))
	s.clusterRole("impersonator", nil, nil, rule([]string{"impersonate"}, []string{""}, []string{"users"}))
	s.crb("erin-imp", "impersonator", user("imp-erin"))
	s.clusterRole("node-proxy", nil, nil, rule([]string{"get"}, []string{""}, []string{"nodes/proxy"}))
	s.crb("scraper", "node-proxy", sa("monitoring", "scraper"))
	s.clusterRole("workload-writer", nil, nil, rule([]string{"create", "update"}, []string{"apps"}, []string{"daemonsets"}))
	s.rb("kube-system", "frank-ds", "ClusterRole", "workload-writer", user("ks-frank"))
	s.role("apps", "token-minter", rule([]string{"create"}, []string{""}, []string{"serviceaccounts/token"}))
	s.rb("apps", "grace-tokens", "Role", "token-minter", user("tok-grace"))
	s.clusterRole("hook-editor", nil, nil, rule([]string{"patch"}, []string{"admissionregistration.k8s.io"}, []string{"mutatingwebhookconfigurations"}))
	s.crb("heidi-hooks", "hook-editor", user("hook-heidi"))
	s.clusterRole("csr-approver", nil, nil,
		rule([]string{"update"}, []string{"certificates.k8s.io"}, []string{"certificatesigningrequests/approval"}),
		rule([]string{"approve"}, []string{"certificates.k8s.io"}, []string{"signers"}))
	s.crb("ivan-csr", "csr-approver", user("csr-ivan"))
	s.role("apps", "event-deleter", rule([]string{"delete"}, []string{""}, []string{"events"}))
	s.rb("apps", "judy-events", "Role", "event-deleter", user("evt-judy"))
	s.role("kube-system", "cm-writer", rule([]string{"update", "patch"}, []string{""}, []string{"configmaps"}))
	s.rb("kube-system", "mallory-cm", "Role", "cm-writer", user("cm-mallory"))
	s.clusterRole("pod-lister", nil, nil, rule([]string{"list"}, []string{""}, []string{"pods"}))
	s.crb("everyone-lists-pods", "pod-lister", group("system:authenticated"))
	cl.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "legacy", Namespace: "shop"},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}})
	cl.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "shop"},
		Spec: corev1.PodSpec{NodeName: "n1", ServiceAccountName: "web", Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}})
	s.role("shop", "orphan", rule([]string{"get"}, []string{""}, []string{"configmaps"}))
	s.rb("shop", "dangling", "Role", "missing", user("ghost"))
	// Aggregation: agg-parent gets pods/exec only through its aggregationRule.
	s.clusterRole("agg-child", map[string]string{"fleetaudit.io/aggregate-to-parent": "true"}, nil,
		rule([]string{"create"}, []string{""}, []string{"pods/exec"}))
	s.clusterRole("agg-parent", nil, &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{
		{MatchLabels: map[string]string{"fleetaudit.io/aggregate-to-parent": "true"}}}})
	s.crb("oscar-agg", "agg-parent", user("agg-oscar"))

	// Look-alikes that must not be flagged.
	s.crb("viewer", "view", user("safe-viewer"))
	s.role("kube-system", "cm-reader", rule([]string{"get", "list"}, []string{""}, []string{"configmaps"}))
	s.rb("kube-system", "cm-reader", "Role", "cm-reader", user("cm-reader"))
	s.role("apps", "named-secret", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"app-tls"}})
	s.rb("apps", "named-secret", "Role", "named-secret", user("named-secret"))
	s.role("apps", "sa-maker", rule([]string{"create"}, []string{""}, []string{"serviceaccounts"}))
	s.rb("apps", "sa-maker", "Role", "sa-maker", sa("apps", "sa-maker"))
	s.clusterRole("hook-viewer", nil, nil, rule([]string{"get", "list"}, []string{"admissionregistration.k8s.io"}, []string{"mutatingwebhookconfigurations"}))
	s.crb("hook-viewer", "hook-viewer", user("hook-viewer"))
	s.rb("team-a", "apps-writer", "ClusterRole", "workload-writer", user("apps-writer"))
	s.clusterRole("csr-half", nil, nil, rule([]string{"update"}, []string{"certificates.k8s.io"}, []string{"certificatesigningrequests/approval"}))
	s.crb("csr-half", "csr-half", user("csr-half"))
	s.role("apps", "event-writer", rule([]string{"create", "patch"}, []string{""}, []string{"events"}))
	s.rb("apps", "event-writer", "Role", "event-writer", user("events-writer"))
	s.crb("sa-group-lists-pods", "pod-lister", group("system:serviceaccounts:apps"))
	s.clusterRole("deploy-manager", nil, nil, rule([]string{"get", "list", "watch", "create", "update", "patch", "delete"}, []string{"apps"}, []string{"deployments"}))
	s.rb("team-a", "deploy-manager", "ClusterRole", "deploy-manager", user("apps-admin"))
	s.role("shop", "reader", rule([]string{"get"}, []string{""}, []string{"configmaps"}))
	s.rb("shop", "api-reader", "Role", "reader", sa("shop", "api"))
	cl.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "api-1", Namespace: "shop"},
		Spec: corev1.PodSpec{NodeName: "n1", ServiceAccountName: "api", Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}})
	no := false
	cl.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "batch-1", Namespace: "team-a"},
		Spec: corev1.PodSpec{NodeName: "n1", ServiceAccountName: "batch", AutomountServiceAccountToken: &no, Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}})

	c, fs := collect()
	want := []finding{
		{"FA-RBAC-001", "User/root-alice", "ClusterRoleBinding/alice-admin -> ClusterRole/cluster-admin"},
		{"FA-RBAC-002", "User/wild-bob", "ClusterRoleBinding/bob-wild -> ClusterRole/wild-deploy"},
		{"FA-RBAC-003", "ServiceAccount/apps/secret-reader", "ClusterRoleBinding/secret-reader -> ClusterRole/secret-reader"},
		{"FA-RBAC-004", "User/agg-oscar", "ClusterRoleBinding/oscar-agg -> ClusterRole/agg-parent"},
		{"FA-RBAC-004", "User/exec-carol", "RoleBinding/apps/carol-exec -> Role/apps/exec"},
		{"FA-RBAC-005", "Group/debuggers", "ClusterRoleBinding/debuggers -> ClusterRole/portforward"},
		{"FA-RBAC-006", "User/eph-dave", "ClusterRoleBinding/dave-eph -> ClusterRole/ephemeral"},
		{"FA-RBAC-007", "ServiceAccount/ci/deployer", "ClusterRoleBinding/deployer-bind -> ClusterRole/role-binder"},
		{"FA-RBAC-008", "User/imp-erin", "ClusterRoleBinding/erin-imp -> ClusterRole/impersonator"},
		{"FA-RBAC-009", "ServiceAccount/monitoring/scraper", "ClusterRoleBinding/scraper -> ClusterRole/node-proxy"},
		// wild-bob's "*" on deployments, cluster-wide, includes creating them in kube-system.
		{"FA-RBAC-010", "User/wild-bob", "ClusterRoleBinding/bob-wild -> ClusterRole/wild-deploy"},
		{"FA-RBAC-010", "User/ks-frank", "RoleBinding/kube-system/frank-ds -> ClusterRole/workload-writer"},
		{"FA-RBAC-011", "User/tok-grace", "RoleBinding/apps/grace-tokens -> Role/apps/token-minter"},
		{"FA-RBAC-012", "User/hook-heidi", "ClusterRoleBinding/heidi-hooks -> ClusterRole/hook-editor"},
		{"FA-RBAC-013", "User/csr-ivan", "ClusterRoleBinding/ivan-csr -> ClusterRole/csr-approver"},
		{"FA-RBAC-014", "User/evt-judy", "RoleBinding/apps/judy-events -> Role/apps/event-deleter"},
		{"FA-RBAC-015", "User/cm-mallory", "RoleBinding/kube-system/mallory-cm -> Role/kube-system/cm-writer"},
		{"FA-RBAC-016", "Group/system:authenticated", "ClusterRoleBinding/everyone-lists-pods -> ClusterRole/pod-lister"},
		{"FA-RBAC-017", "ServiceAccount/shop/default", ""},
		{"FA-RBAC-018", "ServiceAccount/shop/default", ""},
		{"FA-RBAC-018", "ServiceAccount/shop/web", ""},
		{"FA-RBAC-019", "Role/shop/orphan", ""},
		{"FA-RBAC-019", "RoleBinding/shop/dangling", ""},
	}
	slices.SortFunc(want, func(a, b finding) int { return cmp.Compare(a.String(), b.String()) })
	got := rbacFindings(fs)
	if !slices.Equal(got, want) {
		t.Errorf("RBAC findings differ from the expected set.\nmissing: %v\nunexpected: %v", diff(want, got), diff(got, want))
	}
	for _, f := range fs {
		if f.RuleID == "FA-RBAC-003" && f.Severity != policy.SeverityCritical {
			t.Errorf("cluster-wide secret reading should be critical: %+v", f)
		}
	}
	if agg := c.RBAC.Roles["ClusterRole/agg-parent"]; len(agg.Rules) != 1 || agg.Rules[0].Resources[0] != "pods/exec" {
		t.Errorf("aggregationRule not resolved: %+v", agg)
	}
	if view := c.RBAC.Roles["ClusterRole/view"]; len(view.Rules) < 5 {
		t.Errorf("built-in aggregated role view should be resolved from system:aggregate-to-view, has %d rules", len(view.Rules))
	}

	// who-can answers from the same facts, per subject and path, honouring the namespace.
	wc, err := policy.NewWhoCan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(verb, res, ns string) []string {
		q, err := policy.ParseWhoCan(verb, res, ns)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := wc.Ask(ctx, c, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Subject+" "+r.Binding)
		}
		slices.Sort(out)
		return out
	}
	execApps := strings.Join(ask("create", "pods/exec", "apps"), "\n")
	for _, want := range []string{"User/exec-carol RoleBinding/apps/carol-exec", "User/agg-oscar ClusterRoleBinding/oscar-agg",
		"User/root-alice ClusterRoleBinding/alice-admin", "Group/system:masters ClusterRoleBinding/cluster-admin"} {
		if !strings.Contains(execApps, want) {
			t.Errorf("who-can create pods/exec -n apps lacks %q:\n%s", want, execApps)
		}
	}
	if execOther := strings.Join(ask("create", "pods/exec", "team-a"), "\n"); strings.Contains(execOther, "exec-carol") {
		t.Errorf("a RoleBinding in apps must not answer for team-a:\n%s", execOther)
	}
	if dep := strings.Join(ask("delete", "deployments.apps", ""), "\n"); !strings.Contains(dep, "User/apps-admin RoleBinding/team-a/deploy-manager") ||
		!strings.Contains(dep, "User/wild-bob") {
		t.Errorf("who-can delete deployments.apps:\n%s", dep)
	}
	if sec := strings.Join(ask("get", "secrets", "apps"), "\n"); strings.Contains(sec, "named-secret") {
		t.Errorf("a grant limited by resourceNames is not a blanket get secrets:\n%s", sec)
	}
}

func diff(a, b []finding) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}
