package collectors

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// The LISTs collectors read, by name, in one table. Run starts the LISTs that the collectors
// about to run need (see Needs) all at once, so a cluster's collection takes about as long as
// its longest LIST rather than the sum; collectors then read the items with Target.items.
var lists = map[string]func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error){
	"nodes": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.CoreV1().Nodes().List(ctx, o)
		}
	},
	"pods": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.CoreV1().Pods("").List(ctx, o)
		}
	},
	"clusterroles": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.RbacV1().ClusterRoles().List(ctx, o)
		}
	},
	"roles": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.RbacV1().Roles("").List(ctx, o)
		}
	},
	"clusterrolebindings": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.RbacV1().ClusterRoleBindings().List(ctx, o)
		}
	},
	"rolebindings": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.RbacV1().RoleBindings("").List(ctx, o)
		}
	},
	"serviceaccounts": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.CoreV1().ServiceAccounts("").List(ctx, o)
		}
	},
	"resourcequotas": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.CoreV1().ResourceQuotas("").List(ctx, o)
		}
	},
	"limitranges": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.CoreV1().LimitRanges("").List(ctx, o)
		}
	},
	"poddisruptionbudgets": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.PolicyV1().PodDisruptionBudgets("").List(ctx, o)
		}
	},
	"deployments": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.AppsV1().Deployments("").List(ctx, o)
		}
	},
	"statefulsets": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.AppsV1().StatefulSets("").List(ctx, o)
		}
	},
	"daemonsets": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.AppsV1().DaemonSets("").List(ctx, o)
		}
	},
	"replicasets": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.AppsV1().ReplicaSets("").List(ctx, o)
		}
	},
	"jobs": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.BatchV1().Jobs("").List(ctx, o)
		}
	},
	"cronjobs": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.BatchV1().CronJobs("").List(ctx, o)
		}
	},
	"namespaces": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.CoreV1().Namespaces().List(ctx, o)
		}
	},
	"networkpolicies": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.NetworkingV1().NetworkPolicies("").List(ctx, o)
		}
	},
	"horizontalpodautoscalers": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return t.Client.AutoscalingV2().HorizontalPodAutoscalers("").List(ctx, o)
		}
	},
	"customresourcedefinitions": listCRDs,
	"apiserver-leases": func(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
		return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = "apiserver.kubernetes.io/identity=kube-apiserver"
			return t.Client.CoordinationV1().Leases(metav1.NamespaceSystem).List(ctx, o)
		}
	},
}

// Needer is implemented by collectors that read LISTs of the table above.
type Needer interface {
	Needs() []string
}

type future struct {
	done  chan struct{}
	items []runtime.Object
	err   error
}

// prefetch starts the named LISTs concurrently; items waits for them.
func (t Target) prefetch(ctx context.Context, names []string) {
	t.shared.mu.Lock()
	defer t.shared.mu.Unlock()
	if t.shared.futures == nil {
		t.shared.futures = map[string]*future{}
	}
	for _, name := range names {
		if _, ok := t.shared.futures[name]; ok || lists[name] == nil {
			continue
		}
		f := &future{done: make(chan struct{})}
		t.shared.futures[name] = f
		trim := trims[name]
		go func() {
			defer close(f.done)
			f.err = listEach(ctx, t, name, lists[name](t), func() { f.items = f.items[:0] }, func(o runtime.Object) {
				if trim != nil {
					trim(o)
				}
				f.items = append(f.items, o)
			})
		}()
	}
}

// items returns a LIST's items: prefetched ones when Run started them, else listed now.
func (t Target) items(ctx context.Context, name string) ([]runtime.Object, error) {
	if lists[name] == nil {
		return nil, fmt.Errorf("no list %q", name)
	}
	if t.shared == nil {
		t.shared = &shared{}
	}
	t.prefetch(ctx, []string{name})
	t.shared.mu.Lock()
	f := t.shared.futures[name]
	t.shared.mu.Unlock()
	select {
	case <-f.done:
		return f.items, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// each calls fn with every item of a LIST, typed.
func each[T runtime.Object](ctx context.Context, t Target, name string, fn func(T)) error {
	items, err := t.items(ctx, name)
	if err != nil {
		return err
	}
	for _, o := range items {
		x, ok := o.(T)
		if !ok {
			return fmt.Errorf("unexpected %T in %s list", o, name)
		}
		fn(x)
	}
	return nil
}
