package collectors

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// RBAC collects roles, bindings, ServiceAccounts and the pods that use them, and computes each
// subject's grants (subject → binding → role, with scope).
type RBAC struct{}

// Name implements Collector.
func (RBAC) Name() string { return "rbac" }

// Writes implements Writer.
func (RBAC) Writes() []string {
	return []string{"rbac.roles", "rbac.subjects", "rbac.danglingBindings", "rbac.serviceAccounts"}
}

// Needs implements Needer.
func (RBAC) Needs() []string {
	return []string{"clusterroles", "roles", "clusterrolebindings", "rolebindings", "serviceaccounts", "pods"}
}

// RBACObjects are the raw objects the RBAC facts are computed from.
type RBACObjects struct {
	ClusterRoles        []*rbacv1.ClusterRole
	Roles               []*rbacv1.Role
	ClusterRoleBindings []*rbacv1.ClusterRoleBinding
	RoleBindings        []*rbacv1.RoleBinding
	ServiceAccounts     []*corev1.ServiceAccount
	Pods                []*corev1.Pod
}

// Collect implements Collector. The roles, subjects and dangling bindings are declared final
// as soon as they are built, before the ServiceAccounts' use waits for the pod LIST (the
// longest), so the RBAC rules can be evaluated meanwhile.
func (RBAC) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	var in RBACObjects
	steps := []error{
		each(ctx, t, "clusterroles", func(x *rbacv1.ClusterRole) { in.ClusterRoles = append(in.ClusterRoles, x) }),
		each(ctx, t, "roles", func(x *rbacv1.Role) { in.Roles = append(in.Roles, x) }),
		each(ctx, t, "clusterrolebindings", func(x *rbacv1.ClusterRoleBinding) { in.ClusterRoleBindings = append(in.ClusterRoleBindings, x) }),
		each(ctx, t, "rolebindings", func(x *rbacv1.RoleBinding) { in.RoleBindings = append(in.RoleBindings, x) }),
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	rbac := BuildRBAC(in)
	rbac.ServiceAccounts = nil // not known until the pods are listed
	c.RBAC = rbac
	t.final(c, "rbac.roles", "rbac.subjects", "rbac.danglingBindings")
	rbacGV := schema.GroupVersion{Group: rbacv1.GroupName, Version: "v1"}
	t.remember(rbacGV, "ClusterRole", metas(in.ClusterRoles, func(x *rbacv1.ClusterRole) metav1.ObjectMeta { return x.ObjectMeta }))
	t.remember(rbacGV, "Role", metas(in.Roles, func(x *rbacv1.Role) metav1.ObjectMeta { return x.ObjectMeta }))
	t.remember(rbacGV, "ClusterRoleBinding", metas(in.ClusterRoleBindings, func(x *rbacv1.ClusterRoleBinding) metav1.ObjectMeta { return x.ObjectMeta }))
	t.remember(rbacGV, "RoleBinding", metas(in.RoleBindings, func(x *rbacv1.RoleBinding) metav1.ObjectMeta { return x.ObjectMeta }))

	if err := each(ctx, t, "serviceaccounts", func(x *corev1.ServiceAccount) { in.ServiceAccounts = append(in.ServiceAccounts, x) }); err != nil {
		return err
	}
	pods, err := t.Pods(ctx)
	if err != nil {
		return err
	}
	c.RBAC.ServiceAccounts = serviceAccountUse(in.ServiceAccounts, pods)
	return nil
}

func metas[T any](items []T, meta func(T) metav1.ObjectMeta) []metav1.ObjectMeta {
	out := make([]metav1.ObjectMeta, len(items))
	for i, x := range items {
		out[i] = meta(x)
	}
	return out
}

// RoleKey is the key of a role in facts.RBAC.Roles.
func RoleKey(kind, namespace, name string) string {
	if kind == "ClusterRole" {
		return "ClusterRole/" + name
	}
	return "Role/" + namespace + "/" + name
}

// BuildRBAC computes the RBAC facts from raw objects.
func BuildRBAC(in RBACObjects) *facts.RBAC {
	out := &facts.RBAC{Roles: map[string]facts.Role{}, Subjects: []facts.Subject{},
		DanglingBindings: []facts.Binding{}, ServiceAccounts: []facts.ServiceAccount{}}
	for _, r := range in.ClusterRoles {
		out.Roles[RoleKey("ClusterRole", "", r.Name)] = facts.Role{Kind: "ClusterRole", Name: r.Name,
			Labels: r.Labels, Rules: policyRules(r.Rules), Aggregated: r.AggregationRule != nil}
	}
	for _, r := range in.Roles {
		out.Roles[RoleKey("Role", r.Namespace, r.Name)] = facts.Role{Kind: "Role", Name: r.Name,
			Namespace: r.Namespace, Labels: r.Labels, Rules: policyRules(r.Rules)}
	}
	resolveAggregation(out.Roles, in.ClusterRoles)

	subjects := map[string]*facts.Subject{}
	bind := func(bindingKey, bindingNS string, ref rbacv1.RoleRef, subs []rbacv1.Subject) {
		roleKey := RoleKey(ref.Kind, bindingNS, ref.Name)
		role, ok := out.Roles[roleKey]
		if !ok {
			out.DanglingBindings = append(out.DanglingBindings, facts.Binding{Key: bindingKey, Role: roleKey})
			return
		}
		role.Bindings++
		out.Roles[roleKey] = role
		for _, s := range subs {
			ns := s.Namespace
			if s.Kind == rbacv1.ServiceAccountKind && ns == "" {
				ns = bindingNS
			}
			key := SubjectKey(s.Kind, ns, s.Name)
			sub := subjects[key]
			if sub == nil {
				sub = &facts.Subject{Kind: s.Kind, Name: s.Name, Key: key}
				if s.Kind == rbacv1.ServiceAccountKind {
					sub.Namespace = ns
				}
				subjects[key] = sub
			}
			sub.Grants = append(sub.Grants, facts.Grant{Binding: bindingKey, Role: roleKey, Namespace: bindingNS})
		}
	}
	for _, b := range in.ClusterRoleBindings {
		bind("ClusterRoleBinding/"+b.Name, "", b.RoleRef, b.Subjects)
	}
	for _, b := range in.RoleBindings {
		bind("RoleBinding/"+b.Namespace+"/"+b.Name, b.Namespace, b.RoleRef, b.Subjects)
	}
	for _, s := range subjects {
		slices.SortFunc(s.Grants, func(a, b facts.Grant) int {
			return cmp.Or(cmp.Compare(a.Binding, b.Binding), cmp.Compare(a.Role, b.Role))
		})
		out.Subjects = append(out.Subjects, *s)
	}
	slices.SortFunc(out.Subjects, func(a, b facts.Subject) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortFunc(out.DanglingBindings, func(a, b facts.Binding) int { return cmp.Compare(a.Key, b.Key) })
	out.ServiceAccounts = serviceAccountUse(in.ServiceAccounts, in.Pods)
	return out
}

// SubjectKey is "User/NAME", "Group/NAME" or "ServiceAccount/NS/NAME".
func SubjectKey(kind, namespace, name string) string {
	if kind == rbacv1.ServiceAccountKind {
		return kind + "/" + namespace + "/" + name
	}
	return kind + "/" + name
}

func policyRules(rs []rbacv1.PolicyRule) []facts.PolicyRule {
	out := make([]facts.PolicyRule, 0, len(rs))
	for _, r := range rs {
		out = append(out, facts.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources,
			ResourceNames: r.ResourceNames, NonResourceURLs: r.NonResourceURLs})
	}
	return out
}

// resolveAggregation fills each aggregated ClusterRole with the rules of the ClusterRoles its
// aggregationRule selects, as the controller manager does (clusters without one, or snapshots
// taken before it ran, would otherwise show admin/edit/view as empty). It repeats until
// nothing changes, so aggregated roles that select other aggregated roles resolve too.
func resolveAggregation(roles map[string]facts.Role, crs []*rbacv1.ClusterRole) {
	type agg struct {
		key       string
		selectors []labels.Selector
	}
	var aggs []agg
	for _, cr := range crs {
		if cr.AggregationRule == nil {
			continue
		}
		a := agg{key: RoleKey("ClusterRole", "", cr.Name)}
		for _, ls := range cr.AggregationRule.ClusterRoleSelectors {
			if sel, err := metav1.LabelSelectorAsSelector(&ls); err == nil && !sel.Empty() {
				a.selectors = append(a.selectors, sel)
			}
		}
		aggs = append(aggs, a)
	}
	slices.SortFunc(aggs, func(a, b agg) int { return cmp.Compare(a.key, b.key) })
	keys := make([]string, 0, len(roles))
	for k, r := range roles {
		if r.Kind == "ClusterRole" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for range 10 {
		changed := false
		for _, a := range aggs {
			target := roles[a.key]
			seen := map[string]bool{}
			for _, r := range target.Rules {
				seen[ruleID(r)] = true
			}
			for _, k := range keys {
				if k == a.key || !matchesAny(a.selectors, roles[k].Labels) {
					continue
				}
				src := roles[k]
				if !slices.Contains(src.AggregatedInto, a.key) {
					src.AggregatedInto = append(src.AggregatedInto, a.key)
					roles[k] = src
				}
				for _, r := range src.Rules {
					if id := ruleID(r); !seen[id] {
						seen[id] = true
						target.Rules = append(target.Rules, r)
						changed = true
					}
				}
			}
			roles[a.key] = target
		}
		if !changed {
			return
		}
	}
}

func matchesAny(sels []labels.Selector, l map[string]string) bool {
	for _, s := range sels {
		if s.Matches(labels.Set(l)) {
			return true
		}
	}
	return false
}

func ruleID(r facts.PolicyRule) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// serviceAccountUse counts, per ServiceAccount, the pods running as it and those that mount
// its token (the pod's automountServiceAccountToken wins over the ServiceAccount's).
func serviceAccountUse(sas []*corev1.ServiceAccount, pods []*corev1.Pod) []facts.ServiceAccount {
	byKey := map[string]*facts.ServiceAccount{}
	for _, sa := range sas {
		byKey[sa.Namespace+"/"+sa.Name] = &facts.ServiceAccount{Namespace: sa.Namespace, Name: sa.Name,
			AutomountToken: sa.AutomountServiceAccountToken, Exists: true}
	}
	for _, p := range pods {
		name := p.Spec.ServiceAccountName
		if name == "" {
			name = "default"
		}
		key := p.Namespace + "/" + name
		sa := byKey[key]
		if sa == nil {
			sa = &facts.ServiceAccount{Namespace: p.Namespace, Name: name}
			byKey[key] = sa
		}
		sa.Pods++
		mount := sa.AutomountToken == nil || *sa.AutomountToken
		if p.Spec.AutomountServiceAccountToken != nil {
			mount = *p.Spec.AutomountServiceAccountToken
		}
		if mount {
			sa.PodsWithToken++
		}
		if len(sa.ExamplePods) < 3 {
			sa.ExamplePods = append(sa.ExamplePods, p.Name)
		}
	}
	out := make([]facts.ServiceAccount, 0, len(byKey))
	for _, sa := range byKey {
		slices.Sort(sa.ExamplePods)
		out = append(out, *sa)
	}
	slices.SortFunc(out, func(a, b facts.ServiceAccount) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}
