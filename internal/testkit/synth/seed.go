package synth

import (
	"context"
	"fmt"
	"sync"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Seed creates a synthetic cluster's objects in a real API server, status through the status
// subresource, with workers parallel clients. Quotas and limit ranges come after the pods
// (there is no quota controller to sync their status before pods are admitted).
func Seed(ctx context.Context, cs kubernetes.Interface, c *Cluster, workers int) error {
	run := func(n int, create func(i int) error) error {
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for i := range next {
					if err := create(i); err != nil {
						select {
						case errs <- err:
						default:
						}
					}
				}
			})
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		select {
		case err := <-errs:
			return err
		default:
			return nil
		}
	}
	opts := metav1.CreateOptions{}
	steps := []func() error{
		func() error {
			return run(len(c.Namespaces), func(i int) error { _, err := cs.CoreV1().Namespaces().Create(ctx, c.Namespaces[i], opts); return err })
		},
		func() error {
			return run(len(c.Nodes), func(i int) error {
				n, err := cs.CoreV1().Nodes().Create(ctx, c.Nodes[i], opts)
				if err != nil {
					return err
				}
				n.Status = c.Nodes[i].Status
				_, err = cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return run(len(c.ServiceAccounts), func(i int) error {
				sa := c.ServiceAccounts[i]
				_, err := cs.CoreV1().ServiceAccounts(sa.Namespace).Create(ctx, sa, opts)
				return err
			})
		},
		func() error {
			return run(len(c.Pods), func(i int) error {
				p, err := cs.CoreV1().Pods(c.Pods[i].Namespace).Create(ctx, c.Pods[i], opts)
				if err != nil {
					return err
				}
				p.Status = c.Pods[i].Status
				_, err = cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return run(len(c.Deployments), func(i int) error {
				_, err := cs.AppsV1().Deployments(c.Deployments[i].Namespace).Create(ctx, c.Deployments[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.StatefulSets), func(i int) error {
				_, err := cs.AppsV1().StatefulSets(c.StatefulSets[i].Namespace).Create(ctx, c.StatefulSets[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.ClusterRoles), func(i int) error {
				_, err := cs.RbacV1().ClusterRoles().Create(ctx, c.ClusterRoles[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.Roles), func(i int) error {
				_, err := cs.RbacV1().Roles(c.Roles[i].Namespace).Create(ctx, c.Roles[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.ClusterRoleBindings), func(i int) error {
				_, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, c.ClusterRoleBindings[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.RoleBindings), func(i int) error {
				_, err := cs.RbacV1().RoleBindings(c.RoleBindings[i].Namespace).Create(ctx, c.RoleBindings[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.PDBs), func(i int) error {
				p, err := cs.PolicyV1().PodDisruptionBudgets(c.PDBs[i].Namespace).Create(ctx, c.PDBs[i], opts)
				if err != nil {
					return err
				}
				p.Status = c.PDBs[i].Status
				_, err = cs.PolicyV1().PodDisruptionBudgets(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return run(len(c.OldAPIObjects), func(i int) error {
				cj := legacyCronJob(c.OldAPIObjects[i])
				_, err := cs.BatchV1().CronJobs(cj.Namespace).Create(ctx, cj, opts)
				return err
			})
		},
		func() error {
			return run(len(c.CronJobs), func(i int) error {
				_, err := cs.BatchV1().CronJobs(c.CronJobs[i].Namespace).Create(ctx, c.CronJobs[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.Jobs), func(i int) error {
				_, err := cs.BatchV1().Jobs(c.Jobs[i].Namespace).Create(ctx, c.Jobs[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.ReplicaSets), func(i int) error {
				rs, err := cs.AppsV1().ReplicaSets(c.ReplicaSets[i].Namespace).Create(ctx, c.ReplicaSets[i], opts)
				if err != nil {
					return err
				}
				rs.Status = c.ReplicaSets[i].Status
				_, err = cs.AppsV1().ReplicaSets(rs.Namespace).UpdateStatus(ctx, rs, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return run(len(c.DaemonSets), func(i int) error {
				_, err := cs.AppsV1().DaemonSets(c.DaemonSets[i].Namespace).Create(ctx, c.DaemonSets[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.NetworkPolicies), func(i int) error {
				_, err := cs.NetworkingV1().NetworkPolicies(c.NetworkPolicies[i].Namespace).Create(ctx, c.NetworkPolicies[i], opts)
				return err
			})
		},
		func() error {
			return run(len(c.Quotas), func(i int) error {
				q, err := cs.CoreV1().ResourceQuotas(c.Quotas[i].Namespace).Create(ctx, c.Quotas[i], opts)
				if err != nil {
					return err
				}
				q.Status = c.Quotas[i].Status
				_, err = cs.CoreV1().ResourceQuotas(q.Namespace).UpdateStatus(ctx, q, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return run(len(c.LimitRanges), func(i int) error {
				_, err := cs.CoreV1().LimitRanges(c.LimitRanges[i].Namespace).Create(ctx, c.LimitRanges[i], opts)
				return err
			})
		},
	}
	for i, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("seed step %d: %w", i, err)
		}
	}
	return nil
}

// legacyCronJob is the CronJob an old-API object's metadata stands for.
func legacyCronJob(m *metav1.PartialObjectMetadata) *batchv1.CronJob {
	return &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, Annotations: m.Annotations},
		Spec: batchv1.CronJobSpec{Schedule: "0 * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "job", Image: "job"}}}}}}}}
}
