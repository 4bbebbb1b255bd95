// Package synth generates deterministic synthetic clusters (seeded) with realistic shapes:
// nodes of mixed capacity types, namespaces, Deployments and StatefulSets with pods that
// request resources, RBAC roles and bindings, ServiceAccounts, quotas, PDBs, objects last
// written with old API versions, and the workloads side (full pod specs, ReplicaSets,
// DaemonSets, CronJobs and Jobs, Pod Security labels, NetworkPolicies; see workloads.go). The raw objects feed the collectors' pure functions (the
// benchmarks of their computation), a live test cluster (the end-to-end benchmark), or
// facts documents for snapshot fleets.
package synth

import (
	"fmt"
	"math/rand/v2"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Shape sizes a cluster. Scale 1 is about 10,000 objects, plus about 2,000 of the workloads
// side (ReplicaSets, Jobs and their pods, DaemonSet pods, CronJobs, NetworkPolicies).
type Shape struct {
	Nodes, Namespaces, DeploymentsPerNS, PodsPerDeployment, StatefulSetsPerNS int
	RolesPerNS, ClusterRoles, ClusterRoleBindings                             int
}

// ShapeFor returns the shape of about objects objects.
func ShapeFor(objects int) Shape {
	f := float64(objects) / 10000
	n := func(base float64) int { return max(1, int(base*f+0.5)) }
	return Shape{Nodes: n(60), Namespaces: n(40), DeploymentsPerNS: 15, PodsPerDeployment: 20, StatefulSetsPerNS: 1,
		RolesPerNS: 10, ClusterRoles: n(150), ClusterRoleBindings: n(200)}
}

// Cluster is one synthetic cluster's raw objects.
type Cluster struct {
	Name                string
	Version             string
	Nodes               []*corev1.Node
	Namespaces          []*corev1.Namespace
	Pods                []*corev1.Pod
	Deployments         []*appsv1.Deployment
	StatefulSets        []*appsv1.StatefulSet
	ClusterRoles        []*rbacv1.ClusterRole
	Roles               []*rbacv1.Role
	ClusterRoleBindings []*rbacv1.ClusterRoleBinding
	RoleBindings        []*rbacv1.RoleBinding
	ServiceAccounts     []*corev1.ServiceAccount
	Quotas              []*corev1.ResourceQuota
	LimitRanges         []*corev1.LimitRange
	PDBs                []*policyv1.PodDisruptionBudget
	ReplicaSets         []*appsv1.ReplicaSet
	DaemonSets          []*appsv1.DaemonSet
	Jobs                []*batchv1.Job
	CronJobs            []*batchv1.CronJob
	NetworkPolicies     []*networkingv1.NetworkPolicy
	// OldAPIObjects are metadata of objects last written with old API versions.
	OldAPIObjects []*metav1.PartialObjectMetadata
}

// Objects counts the objects.
func (c *Cluster) Objects() int {
	return len(c.Nodes) + len(c.Namespaces) + len(c.Pods) + len(c.Deployments) + len(c.StatefulSets) + len(c.ClusterRoles) +
		len(c.Roles) + len(c.ClusterRoleBindings) + len(c.RoleBindings) + len(c.ServiceAccounts) + len(c.Quotas) +
		len(c.LimitRanges) + len(c.PDBs) + len(c.OldAPIObjects) + len(c.ReplicaSets) + len(c.DaemonSets) + len(c.Jobs) +
		len(c.CronJobs) + len(c.NetworkPolicies)
}

var instanceTypes = []struct{ typ, cpu, mem string }{{"m5.large", "2", "8Gi"}, {"m6i.xlarge", "4", "16Gi"}, {"c5.large", "2", "4Gi"}, {"r5.large", "2", "16Gi"}}

var verbsSets = [][]string{{"get", "list", "watch"}, {"get", "list", "watch", "create", "update", "patch", "delete"}, {"*"}, {"create"}}

var resourceSets = [][2][]string{
	{{""}, {"pods", "services", "configmaps"}}, {{"apps"}, {"deployments", "statefulsets"}}, {{""}, {"secrets"}},
	{{""}, {"pods/exec"}}, {{"batch"}, {"jobs", "cronjobs"}}, {{""}, {"events"}},
}

// Generate builds cluster number i of the seeded fleet.
func Generate(seed uint64, i int, shape Shape) *Cluster {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	minor := 31 + r.IntN(4)
	c := &Cluster{Name: fmt.Sprintf("synth-%03d", i), Version: fmt.Sprintf("v1.%d.%d", minor, r.IntN(8))}
	region := []string{"us-east-1", "eu-west-1"}[r.IntN(2)]
	for n := range shape.Nodes {
		it := instanceTypes[r.IntN(len(instanceTypes))]
		labels := map[string]string{"node.kubernetes.io/instance-type": it.typ, "topology.kubernetes.io/region": region,
			"topology.kubernetes.io/zone": region + string(rune('a'+n%3)), "kubernetes.io/os": "linux"}
		switch r.IntN(10) {
		case 0, 1, 2, 3:
			labels["karpenter.sh/capacity-type"] = "spot"
		case 4, 5:
			labels["eks.amazonaws.com/capacityType"] = "ON_DEMAND"
		}
		kubelet := fmt.Sprintf("v1.%d.%d", minor-r.IntN(4), r.IntN(8))
		res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(it.cpu), corev1.ResourceMemory: resource.MustParse(it.mem), corev1.ResourcePods: resource.MustParse("110")}
		ready := corev1.ConditionTrue
		if r.IntN(50) == 0 {
			ready = corev1.ConditionFalse
		}
		c.Nodes = append(c.Nodes, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ip-10-%d-%d-%d.ec2.internal", i%250, n/250, n%250), Labels: labels},
			Spec:       corev1.NodeSpec{ProviderID: fmt.Sprintf("aws:///%sa/i-%012x", region, r.Uint64()&0xffffffffffff)},
			Status: corev1.NodeStatus{Capacity: res, Allocatable: res, NodeInfo: corev1.NodeSystemInfo{KubeletVersion: kubelet, ContainerRuntimeVersion: "containerd://1.7.27"},
				Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready, Reason: "KubeletReady"}}},
		})
	}
	for ns := range shape.Namespaces {
		name := fmt.Sprintf("team-%02d", ns)
		c.Namespaces = append(c.Namespaces, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
		c.ServiceAccounts = append(c.ServiceAccounts, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: name}})
		for d := range shape.DeploymentsPerNS {
			dep := fmt.Sprintf("svc-%02d", d)
			sa := "default"
			if d%3 != 0 {
				sa = dep
				c.ServiceAccounts = append(c.ServiceAccounts, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: name}})
			}
			replicas := int32(1 + r.IntN(shape.PodsPerDeployment))
			c.Deployments = append(c.Deployments, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: dep, Namespace: name},
				Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": dep}},
					Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": dep}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app"}}}}},
				Status: appsv1.DeploymentStatus{ReadyReplicas: replicas}})
			hash := fmt.Sprintf("%08x", r.Uint32())
			for p := range replicas {
				c.Pods = append(c.Pods, pod(r, name, fmt.Sprintf("%s-%s-%05d", dep, hash, p), sa, "ReplicaSet", dep+"-"+hash, map[string]string{"app": dep, "pod-template-hash": hash}, c.Nodes))
			}
			if d%2 == 0 {
				minAvail := intstr.FromInt32(max(1, replicas-int32(r.IntN(2))))
				allowed := replicas - minAvail.IntVal
				c.PDBs = append(c.PDBs, &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: dep, Namespace: name},
					Spec:   policyv1.PodDisruptionBudgetSpec{MinAvailable: &minAvail, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": dep}}},
					Status: policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: allowed, CurrentHealthy: replicas, DesiredHealthy: minAvail.IntVal, ExpectedPods: replicas}})
			}
		}
		for s := range shape.StatefulSetsPerNS {
			sts := fmt.Sprintf("db-%d", s)
			replicas := int32(1 + r.IntN(3))
			c.StatefulSets = append(c.StatefulSets, &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: sts, Namespace: name},
				Spec: appsv1.StatefulSetSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": sts}},
					Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": sts}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "db", Image: "db"}}}}},
				Status: appsv1.StatefulSetStatus{ReadyReplicas: replicas}})
			for p := range replicas {
				c.Pods = append(c.Pods, pod(r, name, fmt.Sprintf("%s-%d", sts, p), "default", "StatefulSet", sts, map[string]string{"app": sts}, c.Nodes))
			}
		}
		for ro := range shape.RolesPerNS {
			rs := resourceSets[r.IntN(len(resourceSets))]
			role := fmt.Sprintf("role-%02d", ro)
			c.Roles = append(c.Roles, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: role, Namespace: name},
				Rules: []rbacv1.PolicyRule{{Verbs: verbsSets[r.IntN(len(verbsSets))], APIGroups: rs[0], Resources: rs[1]}}})
			for b := range 2 {
				subj := rbacv1.Subject{Kind: "ServiceAccount", Name: fmt.Sprintf("svc-%02d", r.IntN(shape.DeploymentsPerNS)), Namespace: name}
				if b == 1 {
					subj = rbacv1.Subject{Kind: "User", Name: fmt.Sprintf("dev-%03d@example.com", r.IntN(200)), APIGroup: rbacv1.GroupName}
				}
				c.RoleBindings = append(c.RoleBindings, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", role, b), Namespace: name},
					Subjects: []rbacv1.Subject{subj}, RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role}})
			}
		}
		quotaCPU := int64(shape.DeploymentsPerNS*shape.PodsPerDeployment) * 250
		used := quotaCPU * int64(50+r.IntN(50)) / 100
		c.Quotas = append(c.Quotas, &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "compute", Namespace: name},
			Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": *resource.NewMilliQuantity(quotaCPU, resource.DecimalSI)}},
			Status: corev1.ResourceQuotaStatus{Hard: corev1.ResourceList{"requests.cpu": *resource.NewMilliQuantity(quotaCPU, resource.DecimalSI)},
				Used: corev1.ResourceList{"requests.cpu": *resource.NewMilliQuantity(used, resource.DecimalSI)}}})
		if ns%2 == 0 {
			c.LimitRanges = append(c.LimitRanges, &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "defaults", Namespace: name},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
					DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}}}})
		}
	}
	for k := range shape.ClusterRoles {
		rs := resourceSets[r.IntN(len(resourceSets))]
		c.ClusterRoles = append(c.ClusterRoles, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("platform:role-%03d", k)},
			Rules: []rbacv1.PolicyRule{{Verbs: verbsSets[r.IntN(len(verbsSets))], APIGroups: rs[0], Resources: rs[1]}}})
	}
	for k := range shape.ClusterRoleBindings {
		subj := rbacv1.Subject{Kind: "Group", Name: fmt.Sprintf("group-%02d", r.IntN(30)), APIGroup: rbacv1.GroupName}
		if k%4 == 0 {
			subj = rbacv1.Subject{Kind: "ServiceAccount", Name: "controller", Namespace: fmt.Sprintf("team-%02d", r.IntN(shape.Namespaces))}
		}
		c.ClusterRoleBindings = append(c.ClusterRoleBindings, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("platform:binding-%03d", k)},
			Subjects: []rbacv1.Subject{subj}, RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: c.ClusterRoles[r.IntN(len(c.ClusterRoles))].Name}})
	}
	for k := range max(1, shape.Namespaces*2) {
		old := []string{"batch/v1beta1", "policy/v1beta1", "autoscaling/v2beta2", "flowcontrol.apiserver.k8s.io/v1beta3"}[r.IntN(4)]
		c.OldAPIObjects = append(c.OldAPIObjects, &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("legacy-%03d", k), Namespace: fmt.Sprintf("team-%02d", k%shape.Namespaces),
			Annotations:   map[string]string{corev1.LastAppliedConfigAnnotation: `{"apiVersion":"` + old + `","kind":"CronJob"}`},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: old}}}})
	}
	addWorkloads(c, rand.New(rand.NewPCG(seed^0x776f726b6c6f6164, uint64(i))))
	return c
}

func pod(r *rand.Rand, ns, name, sa, ownerKind, owner string, labels map[string]string, nodes []*corev1.Node) *corev1.Pod {
	yes := true
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: ownerKind, Name: owner, UID: types.UID(owner), Controller: &yes}}},
		Spec: corev1.PodSpec{ServiceAccountName: sa, NodeName: nodes[r.IntN(len(nodes))].Name,
			Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/app:1.0"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
	if r.IntN(20) != 0 { // one container in 20 has no requests
		p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{
			corev1.ResourceCPU:    *resource.NewMilliQuantity(int64(50+r.IntN(20)*25), resource.DecimalSI),
			corev1.ResourceMemory: *resource.NewQuantity(int64(64+r.IntN(16)*64)<<20, resource.BinarySI),
		}
	}
	if r.IntN(40) == 0 {
		p.Spec.NodeName, p.Status.Phase = "", corev1.PodPending
	}
	return p
}
