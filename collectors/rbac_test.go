package collectors

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestBuildRBACNestedAggregationAndDangling(t *testing.T) {
	sel := func(k string) *rbacv1.AggregationRule {
		return &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{k: "true"}}}}
	}
	in := RBACObjects{
		ClusterRoles: []*rbacv1.ClusterRole{
			// top aggregates mid, which aggregates leaf: two rounds are needed.
			{ObjectMeta: metav1.ObjectMeta{Name: "top"}, AggregationRule: sel("to-top")},
			{ObjectMeta: metav1.ObjectMeta{Name: "mid", Labels: map[string]string{"to-top": "true"}}, AggregationRule: sel("to-mid")},
			{ObjectMeta: metav1.ObjectMeta{Name: "leaf", Labels: map[string]string{"to-mid": "true"}},
				Rules: []rbacv1.PolicyRule{rule([]string{"get"}, []string{""}, []string{"secrets"})}},
		},
		RoleBindings: []*rbacv1.RoleBinding{
			{ObjectMeta: metav1.ObjectMeta{Name: "rb", Namespace: "ns1"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "top"},
				Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "app"}, user("u")}},
			{ObjectMeta: metav1.ObjectMeta{Name: "gone", Namespace: "ns1"}, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "nope"}},
		},
	}
	r := BuildRBAC(in)
	if top := r.Roles["ClusterRole/top"]; len(top.Rules) != 1 || top.Bindings != 1 || !top.Aggregated {
		t.Errorf("top not resolved through mid: %+v", top)
	}
	if leaf := r.Roles["ClusterRole/leaf"]; len(leaf.AggregatedInto) != 1 || leaf.AggregatedInto[0] != "ClusterRole/mid" {
		t.Errorf("leaf aggregatedInto: %+v", leaf.AggregatedInto)
	}
	if len(r.Subjects) != 2 || r.Subjects[0].Key != "ServiceAccount/ns1/app" || r.Subjects[1].Key != "User/u" {
		t.Fatalf("subjects (a ServiceAccount without namespace takes the binding's): %+v", r.Subjects)
	}
	if g := r.Subjects[0].Grants[0]; g.Binding != "RoleBinding/ns1/rb" || g.Role != "ClusterRole/top" || g.Namespace != "ns1" {
		t.Errorf("grant: %+v", g)
	}
	if len(r.DanglingBindings) != 1 || r.DanglingBindings[0].Role != "Role/ns1/nope" {
		t.Errorf("dangling: %+v", r.DanglingBindings)
	}
}

func TestServiceAccountUseAutomountPrecedence(t *testing.T) {
	f, tr := false, true
	sas := []*corev1.ServiceAccount{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "off"}, AutomountServiceAccountToken: &f},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "default"}},
	}
	pod := func(name, sa string, automount *bool) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: name},
			Spec: corev1.PodSpec{ServiceAccountName: sa, AutomountServiceAccountToken: automount}}
	}
	got := serviceAccountUse(sas, []*corev1.Pod{
		pod("p1", "off", nil), pod("p2", "off", &tr), pod("p3", "", nil), pod("p4", "ghost", nil),
	})
	want := map[string][3]int{"a/default": {1, 1, 1}, "a/ghost": {1, 1, 0}, "a/off": {2, 1, 1}}
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	for _, sa := range got {
		exists := 0
		if sa.Exists {
			exists = 1
		}
		if w := want[sa.Namespace+"/"+sa.Name]; [3]int{sa.Pods, sa.PodsWithToken, exists} != w {
			t.Errorf("%s/%s: pods %d withToken %d exists %v, want %v", sa.Namespace, sa.Name, sa.Pods, sa.PodsWithToken, sa.Exists, w)
		}
	}
}
