package collectors

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// requestCounter counts GET requests by URL path.
type requestCounter struct {
	next http.RoundTripper
	mu   *sync.Mutex
	n    map[string]int
}

func (c requestCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet {
		c.mu.Lock()
		c.n[r.URL.Path]++
		c.mu.Unlock()
	}
	return c.next.RoundTrip(r)
}

// workloadSeed creates objects through the API of a real cluster; there are no controllers,
// so every ReplicaSet, Job and Pod is created by hand with its ownerReferences.
type workloadSeed struct {
	t  *testing.T
	cl *testcluster.Cluster
}

func (s workloadSeed) check(what string, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("create %s: %v", what, err)
	}
}

// TestWorkloadsOnRealCluster seeds every kind of workload, owned and orphaned, and checks the
// facts a normal collection run writes: which workloads appear under which kind and name,
// effective token automount, images, security contexts, host paths and ports, namespaces'
// Pod Security labels and NetworkPolicy shapes. Pages of 2 items make every LIST paginate;
// the request counts show the pod LIST is read once for all collectors and the CronJobs are
// not listed a second time by the upgrade collector's API-version scan.
func TestWorkloadsOnRealCluster(t *testing.T) {
	cl := testcluster.StartWith(t, testcluster.Options{AllowPrivileged: true}, "workloads").Clusters[0]
	ctx := context.Background()
	cs := cl.Admin
	s := workloadSeed{t, cl}
	create := metav1.CreateOptions{}

	for name, labels := range map[string]map[string]string{
		"shop": {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "latest",
			"pod-security.kubernetes.io/warn": "restricted", "team": "payments"},
		"ops": {"team": "platform"},
	} {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, create)
		s.check("namespace "+name, err)
	}
	for _, sa := range []*corev1.ServiceAccount{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "default"}, AutomountServiceAccountToken: ptr(false)},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "default"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "agent"}, AutomountServiceAccountToken: ptr(false)},
	} {
		_, err := cs.CoreV1().ServiceAccounts(sa.Namespace).Create(ctx, sa, create)
		s.check("serviceaccount "+sa.Name, err)
	}
	cl.CreateNamespace(t, "kube-system") // exists; adds its default ServiceAccount
	node := cl.CreateNode(t, "n1", testcluster.NodeOptions{})

	webSpec := corev1.PodSpec{ServiceAccountName: "web",
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		Volumes:         []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		Containers: []corev1.Container{{Name: "web", Image: "registry.example.com/shop/web:1.4",
			Env:             []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "s3cr3t-integration"}},
			Ports:           []corev1.ContainerPort{{ContainerPort: 8080}},
			ReadinessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}},
			SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
				Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}}}}}
	webLabels := map[string]string{"app": "web"}
	webAnnotations := map[string]string{appArmorAnnotationPrefix + "web": "runtime/default"}
	dep, err := cs.AppsV1().Deployments("shop").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: webLabels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: webLabels, Annotations: webAnnotations}, Spec: webSpec}}}, create)
	s.check("deployment", err)
	rs, err := cs.AppsV1().ReplicaSets("shop").Create(ctx, &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-7d4b9",
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: dep.Name, UID: dep.UID, Controller: ptr(true)}}},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: webLabels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: webLabels, Annotations: webAnnotations}, Spec: webSpec}}}, create)
	s.check("replicaset", err)
	nginx := corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.27"}}}
	orphan, err := cs.AppsV1().ReplicaSets("shop").Create(ctx, &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "orphan"},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "orphan"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "orphan"}}, Spec: nginx}}}, create)
	s.check("orphan replicaset", err)
	db, err := cs.AppsV1().StatefulSets("shop").Create(ctx, &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db"},
		Spec: appsv1.StatefulSetSpec{ServiceName: "db", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "db"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "postgres", Image: "postgres@sha256:" + strings.Repeat("ab", 32)}}}}}}, create)
	s.check("statefulset", err)
	agentSpec := corev1.PodSpec{ServiceAccountName: "agent", AutomountServiceAccountToken: ptr(true), HostNetwork: true, HostPID: true,
		Volumes: []corev1.Volume{{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}}},
		Containers: []corev1.Container{{Name: "agent", Image: "quay.io/acme/agent:v2", Ports: []corev1.ContainerPort{{ContainerPort: 9100}},
			SecurityContext: &corev1.SecurityContext{Privileged: ptr(true), Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"SYS_ADMIN"}}}}}}
	ds, err := cs.AppsV1().DaemonSets("ops").Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "node-agent"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "agent"}}, Spec: agentSpec}}}, create)
	s.check("daemonset", err)
	jobSpec := corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "backup", Image: "ghcr.io/acme/backup:3"}}}
	lastApplied := `{"apiVersion":"batch/v1beta1","kind":"CronJob","metadata":{"name":"backup","namespace":"ops"}}`
	cj, err := cs.BatchV1().CronJobs("ops").Create(ctx, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "backup",
		Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: lastApplied}},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: jobSpec}}}}}, create)
	s.check("cronjob", err)
	cronRun, err := cs.BatchV1().Jobs("ops").Create(ctx, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "backup-29000000",
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "CronJob", Name: cj.Name, UID: cj.UID, Controller: ptr(true)}}},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: jobSpec}}}, create)
	s.check("job of the cronjob", err)
	migrate, err := cs.BatchV1().Jobs("shop").Create(ctx, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "migrate"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyOnFailure,
			Containers: []corev1.Container{{Name: "migrate", Image: "registry.example.com/shop/migrate:1.4"}}}}}}, create)
	s.check("bare job", err)
	_, err = cs.NetworkingV1().NetworkPolicies("shop").Create(ctx, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "default-deny"},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}}, create)
	s.check("default-deny", err)
	tcp := corev1.ProtocolTCP
	_, err = cs.NetworkingV1().NetworkPolicies("shop").Create(ctx, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "allow-web"},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: webLabels},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "ingress"}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: ptr(intstr.FromInt32(8080))}}}}}}, create)
	s.check("allow-web", err)

	owned := func(apiVersion, kind, name string, uid any) []metav1.OwnerReference {
		return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid.(metav1.Object).GetUID(), Controller: ptr(true)}}
	}
	pod := func(ns, name string, owners []metav1.OwnerReference, annotations map[string]string, spec corev1.PodSpec, phase corev1.PodPhase) {
		spec.NodeName = "n1"
		cl.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, OwnerReferences: owners, Annotations: annotations},
			Spec: spec, Status: corev1.PodStatus{Phase: phase}})
	}
	pod("shop", "web-7d4b9-x2k8p", owned("apps/v1", "ReplicaSet", rs.Name, rs), webAnnotations, webSpec, "")
	pod("shop", "orphan-9qz7c", owned("apps/v1", "ReplicaSet", orphan.Name, orphan), nil, nginx, "")
	pod("shop", "db-0", owned("apps/v1", "StatefulSet", db.Name, db), nil, db.Spec.Template.Spec, "")
	pod("ops", "node-agent-4kq2n", owned("apps/v1", "DaemonSet", ds.Name, ds), nil, agentSpec, "")
	pod("ops", "backup-29000000-5v6wx", owned("batch/v1", "Job", cronRun.Name, cronRun), nil, jobSpec, corev1.PodSucceeded)
	pod("shop", "migrate-hs7dd", owned("batch/v1", "Job", migrate.Name, migrate), nil, migrate.Spec.Template.Spec, "")
	pod("shop", "debug", nil, nil, corev1.PodSpec{Containers: []corev1.Container{{Name: "sh", Image: "busybox:1.36"}}}, "")
	pod("shop", "finished", nil, nil, corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "sh", Image: "busybox:1.36"}}}, corev1.PodFailed)
	pod("kube-system", "etcd-n1", owned("v1", "Node", node.Name, node), nil, corev1.PodSpec{HostNetwork: true, AutomountServiceAccountToken: ptr(false),
		Volumes:    []corev1.Volume{{Name: "etcd-data", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/lib/etcd"}}}},
		Containers: []corev1.Container{{Name: "etcd", Image: "registry.k8s.io/etcd:3.5.21-0", Ports: []corev1.ContainerPort{{ContainerPort: 2379}}}}}, "")

	// Collect through the normal path, counting the API requests.
	var mu sync.Mutex
	requests := map[string]int{}
	cfg := rest.CopyConfig(cl.Config)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return requestCounter{rt, &mu, requests} }
	c := &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: "workloads"}
	Run(ctx, All(Config{}), Target{Client: kubernetes.NewForConfigOrDie(cfg), Metadata: metadata.NewForConfigOrDie(cfg), PageSize: 2}, c)
	if c.Status() != facts.StatusOK {
		t.Fatalf("collection: %s", c.Problem())
	}
	w := c.Workloads

	var got []string
	for _, x := range w.Items {
		var images []string
		for _, ct := range x.Pod.Containers {
			images = append(images, ct.Type+":"+ct.Image.Registry+"|"+ct.Image.Repository+"|"+ct.Image.Tag+"|"+ct.Image.Digest)
		}
		got = append(got, fmt.Sprintf("%s %s/%s %s owner=%q sa=%s token=%v %s", x.Namespace, x.Kind, x.Name, x.APIVersion, x.Owner,
			x.Pod.ServiceAccount, x.Pod.AutomountToken, strings.Join(images, ",")))
	}
	want := []string{
		`kube-system Pod/etcd-n1 v1 owner="Node/n1" sa=default token=false container:registry.k8s.io|registry.k8s.io/etcd|3.5.21-0|`,
		`ops CronJob/backup batch/v1 owner="" sa=default token=true container:ghcr.io|ghcr.io/acme/backup|3|`,
		`ops DaemonSet/node-agent apps/v1 owner="" sa=agent token=true container:quay.io|quay.io/acme/agent|v2|`,
		`shop Deployment/web apps/v1 owner="" sa=web token=true container:registry.example.com|registry.example.com/shop/web|1.4|`,
		`shop Job/migrate batch/v1 owner="" sa=default token=false container:registry.example.com|registry.example.com/shop/migrate|1.4|`,
		`shop Pod/debug v1 owner="" sa=default token=false container:docker.io|docker.io/library/busybox|1.36|`,
		`shop ReplicaSet/orphan apps/v1 owner="" sa=default token=false container:docker.io|docker.io/library/nginx|1.27|`,
		`shop StatefulSet/db apps/v1 owner="" sa=default token=false container:docker.io|docker.io/library/postgres||sha256:` + strings.Repeat("ab", 32),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("workloads:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	item := func(kind, name string) facts.Workload {
		for _, x := range w.Items {
			if x.Kind == kind && x.Name == name {
				return x
			}
		}
		t.Fatalf("no %s %s", kind, name)
		return facts.Workload{}
	}
	// A template's hostPorts are as written: the API server fills a host-network pod's
	// hostPort in from its containerPort for pods only (see the static pod below).
	wantAgent := facts.PodSpec{HostNetwork: true, HostPID: true, ServiceAccount: "agent", AutomountToken: true,
		Volumes: []facts.Volume{{Name: "logs", Type: "hostPath", HostPath: "/var/log"}},
		Containers: []facts.Container{{Name: "agent", Type: "container",
			Image:           facts.Image{Ref: "quay.io/acme/agent:v2", Registry: "quay.io", Repository: "quay.io/acme/agent", Tag: "v2"},
			SecurityContext: facts.SecurityContext{Privileged: ptr(true), CapabilitiesAdd: []string{"SYS_ADMIN"}}}}}
	if got := item("DaemonSet", "node-agent").Pod; !reflect.DeepEqual(got, wantAgent) {
		t.Errorf("daemonset pod spec:\n got %+v\nwant %+v", got, wantAgent)
	}
	wantWeb := facts.PodSpec{ServiceAccount: "web", AutomountToken: true,
		SecurityContext: facts.SecurityContext{RunAsNonRoot: ptr(true), SeccompProfile: "RuntimeDefault"},
		Volumes:         []facts.Volume{{Name: "tmp", Type: "emptyDir"}},
		Containers: []facts.Container{{Name: "web", Type: "container",
			Image: facts.Image{Ref: "registry.example.com/shop/web:1.4", Registry: "registry.example.com", Repository: "registry.example.com/shop/web", Tag: "1.4"},
			SecurityContext: facts.SecurityContext{AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true),
				CapabilitiesDrop: []string{"ALL"}, AppArmorProfile: "RuntimeDefault"},
			ReadinessProbe: true,
			Requests:       facts.ResourceAmounts{CPUMillis: ptr(int64(100)), MemoryBytes: ptr(int64(128 << 20))},
			Limits:         facts.ResourceAmounts{MemoryBytes: ptr(int64(256 << 20))}}}}
	if got := item("Deployment", "web").Pod; !reflect.DeepEqual(got, wantWeb) {
		t.Errorf("deployment pod spec:\n got %+v\nwant %+v", got, wantWeb)
	}
	if etcd := item("Pod", "etcd-n1").Pod; !etcd.HostNetwork || len(etcd.Volumes) != 1 || etcd.Volumes[0] != (facts.Volume{Name: "etcd-data", Type: "hostPath", HostPath: "/var/lib/etcd"}) ||
		!reflect.DeepEqual(etcd.Containers[0].HostPorts, []int32{2379}) {
		t.Errorf("static pod: %+v", etcd)
	}
	// The ServiceAccount admission plugin mounts no token: shop's default ServiceAccount opts out.
	if v := item("Pod", "debug").Pod.Volumes; len(v) != 0 {
		t.Errorf("debug pod volumes: %+v", v)
	}

	var nss []facts.Namespace
	for _, ns := range w.Namespaces {
		if ns.PodSecurity != nil || ns.Name == "ops" {
			nss = append(nss, ns)
		}
	}
	wantNS := []facts.Namespace{{Name: "ops"}, {Name: "shop", PodSecurity: map[string]string{"enforce": "baseline", "enforce-version": "latest", "warn": "restricted"}}}
	if !reflect.DeepEqual(nss, wantNS) {
		t.Errorf("namespaces with Pod Security labels: %+v", nss)
	}
	all, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Namespaces) != len(all.Items) || !slices.IsSortedFunc(w.Namespaces, func(a, b facts.Namespace) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("want all %d namespaces sorted, got %+v", len(all.Items), w.Namespaces)
	}
	wantNP := []facts.NetworkPolicy{
		{Namespace: "shop", Name: "allow-web", PolicyTypes: []string{"Ingress"}, IngressRules: 1},
		{Namespace: "shop", Name: "default-deny", SelectsAll: true, PolicyTypes: []string{"Ingress", "Egress"}},
	}
	if !reflect.DeepEqual(w.NetworkPolicies, wantNP) {
		t.Errorf("network policies:\n got %+v\nwant %+v", w.NetworkPolicies, wantNP)
	}

	b, _ := json.Marshal(c)
	if strings.Contains(string(b), "s3cr3t-integration") {
		t.Error("an env value reached the facts")
	}
	if _, err := facts.Decode(b); err != nil {
		t.Errorf("the strict reader refuses the collected document: %v", err)
	}

	// Upgrade still sees the CronJob written as batch/v1beta1, from the workloads LIST.
	var sawCronJob bool
	for _, u := range c.Upgrade.APIUse {
		sawCronJob = sawCronJob || (u.Kind == "CronJob" && u.Name == "backup" && u.Version == "v1beta1" && u.Source == "last-applied")
	}
	if !sawCronJob {
		t.Errorf("upgrade.apiUse lacks the CronJob last applied as batch/v1beta1: %+v", c.Upgrade.APIUse)
	}
	pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pages := func(n int) int { return n/2 + 1 } // pages of 2; the last one may be empty
	mu.Lock()
	defer mu.Unlock()
	for path, n := range map[string]int{"/api/v1/pods": len(pods.Items), "/apis/batch/v1/cronjobs": 1, "/apis/apps/v1/replicasets": 2,
		"/apis/networking.k8s.io/v1/networkpolicies": 2, "/api/v1/namespaces": len(all.Items)} {
		if got := requests[path]; got < (n+1)/2 || got > pages(n) {
			t.Errorf("GET %s: %d requests for %d objects in pages of 2, want one LIST of %d–%d pages", path, got, n, (n+1)/2, pages(n))
		}
	}
}
