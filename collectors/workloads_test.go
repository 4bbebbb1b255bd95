package collectors

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

func meta(ns, name string, controller ...string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Namespace: ns, Name: name}
	if len(controller) == 3 { // apiVersion, kind, name
		m.OwnerReferences = []metav1.OwnerReference{
			{APIVersion: "v1", Kind: "ConfigMap", Name: "not-the-controller"},
			{APIVersion: controller[0], Kind: controller[1], Name: controller[2], Controller: ptr(true)},
		}
	}
	return m
}

func simpleSpec(image string) corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}
}

func tmpl(image string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: simpleSpec(image)}
}

// TestBuildWorkloadsJudgesEachTemplateOnce: objects whose controller is listed are left out;
// objects whose controller is not listed (deleted, or a Node) stay, with the owner named.
func TestBuildWorkloadsJudgesEachTemplateOnce(t *testing.T) {
	in := WorkloadObjects{
		Deployments:  []*appsv1.Deployment{{ObjectMeta: meta("shop", "web"), Spec: appsv1.DeploymentSpec{Template: tmpl("web")}}},
		StatefulSets: []*appsv1.StatefulSet{{ObjectMeta: meta("shop", "db"), Spec: appsv1.StatefulSetSpec{Template: tmpl("db")}}},
		DaemonSets:   []*appsv1.DaemonSet{{ObjectMeta: meta("kube-system", "cni"), Spec: appsv1.DaemonSetSpec{Template: tmpl("cni")}}},
		ReplicaSets: []*appsv1.ReplicaSet{
			{ObjectMeta: meta("shop", "web-abc", "apps/v1", "Deployment", "web"), Spec: appsv1.ReplicaSetSpec{Template: tmpl("web")}},
			{ObjectMeta: meta("shop", "web-old", "apps/v1", "Deployment", "web"), Spec: appsv1.ReplicaSetSpec{Template: tmpl("web:old")}},
			{ObjectMeta: meta("shop", "orphan"), Spec: appsv1.ReplicaSetSpec{Template: tmpl("orphan")}},
			{ObjectMeta: meta("shop", "gone-1", "apps/v1", "Deployment", "gone"), Spec: appsv1.ReplicaSetSpec{Template: tmpl("gone")}},
			// Same kind name, another API group: not the Deployment listed here.
			{ObjectMeta: meta("shop", "web-x", "example.io/v1", "Deployment", "web"), Spec: appsv1.ReplicaSetSpec{Template: tmpl("x")}},
		},
		CronJobs: []*batchv1.CronJob{{ObjectMeta: meta("shop", "report"), Spec: batchv1.CronJobSpec{
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl("report")}}}}},
		Jobs: []*batchv1.Job{
			{ObjectMeta: meta("shop", "report-1", "batch/v1", "CronJob", "report"), Spec: batchv1.JobSpec{Template: tmpl("report")}},
			{ObjectMeta: meta("shop", "migrate"), Spec: batchv1.JobSpec{Template: tmpl("migrate")}},
		},
		Pods: []*corev1.Pod{
			{ObjectMeta: meta("shop", "web-abc-1", "apps/v1", "ReplicaSet", "web-abc"), Spec: simpleSpec("web")},
			{ObjectMeta: meta("shop", "orphan-1", "apps/v1", "ReplicaSet", "orphan"), Spec: simpleSpec("orphan")},
			{ObjectMeta: meta("shop", "db-0", "apps/v1", "StatefulSet", "db"), Spec: simpleSpec("db")},
			{ObjectMeta: meta("kube-system", "cni-x", "apps/v1", "DaemonSet", "cni"), Spec: simpleSpec("cni")},
			{ObjectMeta: meta("shop", "report-1-z", "batch/v1", "Job", "report-1"), Spec: simpleSpec("report")},
			{ObjectMeta: meta("shop", "migrate-z", "batch/v1", "Job", "migrate"), Spec: simpleSpec("migrate")},
			{ObjectMeta: meta("shop", "debug"), Spec: simpleSpec("busybox")},
			{ObjectMeta: meta("kube-system", "etcd-n1", "v1", "Node", "n1"), Spec: simpleSpec("etcd")},
			{ObjectMeta: meta("shop", "lost-1", "apps/v1", "ReplicaSet", "lost"), Spec: simpleSpec("lost")},
		},
	}
	var got []string
	for _, w := range BuildWorkloads(in).Items {
		got = append(got, strings.TrimSpace(w.Namespace+" "+w.Kind+" "+w.Name+" "+w.APIVersion+" "+w.Owner)+" image="+w.Pod.Containers[0].Image.Ref)
	}
	want := []string{
		"kube-system DaemonSet cni apps/v1 image=cni",
		"kube-system Pod etcd-n1 v1 Node/n1 image=etcd",
		"shop CronJob report batch/v1 image=report",
		"shop Deployment web apps/v1 image=web",
		"shop Job migrate batch/v1 image=migrate",
		"shop Pod debug v1 image=busybox",
		"shop Pod lost-1 v1 ReplicaSet/lost image=lost",
		"shop ReplicaSet gone-1 apps/v1 Deployment/gone image=gone",
		"shop ReplicaSet orphan apps/v1 image=orphan",
		"shop ReplicaSet web-x apps/v1 Deployment/web image=x",
		"shop StatefulSet db apps/v1 image=db",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("workloads:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// TestPodSpecFacts converts every field of the contract from one pod spec.
func TestPodSpecFacts(t *testing.T) {
	procUnmasked := corev1.UnmaskedProcMount
	spec := corev1.PodSpec{
		ServiceAccountName: "builder", HostNetwork: true, HostPID: true, HostIPC: false, OS: &corev1.PodOS{Name: corev1.Linux},
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(1000)), RunAsGroup: ptr(int64(2000)),
			FSGroup: ptr(int64(3000)), SupplementalGroups: []int64{5},
			SeccompProfile:  &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault},
			SELinuxOptions:  &corev1.SELinuxOptions{Type: "spc_t", Level: "s0"},
			Sysctls:         []corev1.Sysctl{{Name: "net.core.somaxconn", Value: "1024"}},
			WindowsOptions:  &corev1.WindowsSecurityContextOptions{HostProcess: ptr(false)}},
		Volumes: []corev1.Volume{
			{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/run/docker.sock"}}},
			{Name: "cache", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "creds", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "creds"}}},
			{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}},
			{Name: "model", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "models/llm:1"}}},
		},
		Containers: []corev1.Container{{
			Name: "build", Image: "ghcr.io/acme/builder:1.2@sha256:abc",
			Ports: []corev1.ContainerPort{{ContainerPort: 8080}, {ContainerPort: 9090, HostPort: 9090}, {ContainerPort: 53, HostPort: 53, Protocol: corev1.ProtocolUDP}},
			SecurityContext: &corev1.SecurityContext{Privileged: ptr(true), AllowPrivilegeEscalation: ptr(true), ReadOnlyRootFilesystem: ptr(false),
				RunAsUser: ptr(int64(0)), ProcMount: &procUnmasked,
				Capabilities:   &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "SYS_ADMIN"}, Drop: []corev1.Capability{"ALL"}},
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}},
			LivenessProbe: &corev1.Probe{}, StartupProbe: &corev1.Probe{},
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1G"), "nvidia.com/gpu": resource.MustParse("1")}},
		}, {
			Name: "sidecar", Image: "envoy", // AppArmor from the field beats the annotation
			SecurityContext: &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}},
			ReadinessProbe:  &corev1.Probe{},
		}},
		InitContainers:      []corev1.Container{{Name: "init", Image: "localhost:5000/init"}},
		EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox:1.36"}}},
	}
	annotations := map[string]string{
		appArmorAnnotationPrefix + "build":   "unconfined",
		appArmorAnnotationPrefix + "sidecar": "unconfined",
		appArmorAnnotationPrefix + "init":    "localhost/k8s-init",
		appArmorAnnotationPrefix + "debug":   "runtime/default",
		"example.com/other":                  "x",
	}
	sas := []*corev1.ServiceAccount{{ObjectMeta: metav1.ObjectMeta{Namespace: "ci", Name: "builder"}, AutomountServiceAccountToken: ptr(false)}}
	got := newPodSpecBuilder(sas).spec("ci", annotations, &spec)

	want := facts.PodSpec{HostNetwork: true, HostPID: true, OS: "linux", ServiceAccount: "builder", AutomountToken: false,
		SecurityContext: facts.SecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(1000)), RunAsGroup: ptr(int64(2000)),
			SeccompProfile: "RuntimeDefault", AppArmorProfile: "RuntimeDefault", SELinux: &facts.SELinux{Type: "spc_t", Level: "s0"},
			Sysctls: []string{"net.core.somaxconn"}, WindowsHostProcess: ptr(false)},
		Volumes: []facts.Volume{{Name: "root", Type: "hostPath", HostPath: "/var/run/docker.sock"}, {Name: "cache", Type: "emptyDir"},
			{Name: "creds", Type: "secret"}, {Name: "scratch", Type: "ephemeral"}, {Name: "model", Type: "image"}},
		Containers: []facts.Container{{
			Name: "build", Type: "container",
			Image: facts.Image{Ref: "ghcr.io/acme/builder:1.2@sha256:abc", Registry: "ghcr.io", Repository: "ghcr.io/acme/builder", Tag: "1.2", Digest: "sha256:abc"},
			SecurityContext: facts.SecurityContext{Privileged: ptr(true), AllowPrivilegeEscalation: ptr(true), ReadOnlyRootFilesystem: ptr(false),
				RunAsUser: ptr(int64(0)), ProcMount: "Unmasked", CapabilitiesAdd: []string{"NET_ADMIN", "SYS_ADMIN"}, CapabilitiesDrop: []string{"ALL"},
				SeccompProfile: "Unconfined", AppArmorProfile: "Unconfined"},
			HostPorts: []int32{9090, 53}, LivenessProbe: true, StartupProbe: true,
			Requests: facts.ResourceAmounts{CPUMillis: ptr(int64(250)), MemoryBytes: ptr(int64(64 << 20))},
			Limits:   facts.ResourceAmounts{MemoryBytes: ptr(int64(1e9))},
		}, {
			Name: "sidecar", Type: "container",
			Image:           facts.Image{Ref: "envoy", Registry: "docker.io", Repository: "docker.io/library/envoy"},
			SecurityContext: facts.SecurityContext{AppArmorProfile: "RuntimeDefault"}, ReadinessProbe: true,
		}, {
			Name: "init", Type: "initContainer",
			Image:           facts.Image{Ref: "localhost:5000/init", Registry: "localhost:5000", Repository: "localhost:5000/init"},
			SecurityContext: facts.SecurityContext{AppArmorProfile: "Localhost"},
		}, {
			Name: "debug", Type: "ephemeralContainer",
			Image:           facts.Image{Ref: "busybox:1.36", Registry: "docker.io", Repository: "docker.io/library/busybox", Tag: "1.36"},
			SecurityContext: facts.SecurityContext{AppArmorProfile: "RuntimeDefault"},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("pod spec facts:\n got %s\nwant %s", g, w)
	}
}

// TestAutomountToken: the pod's setting, else its ServiceAccount's, else true.
func TestAutomountToken(t *testing.T) {
	sas := []*corev1.ServiceAccount{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "default"}, AutomountServiceAccountToken: ptr(false)},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "on"}, AutomountServiceAccountToken: ptr(true)},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "unset"}},
	}
	for _, tc := range []struct {
		ns, sa string
		pod    *bool
		want   bool
	}{
		{"a", "", nil, false},               // the namespace's default ServiceAccount says no
		{"b", "", nil, true},                // another namespace's default: not listed, Kubernetes' default
		{"a", "", ptr(true), true},          // the pod wins
		{"a", "on", ptr(false), false},      // the pod wins
		{"a", "on", nil, true},              // the ServiceAccount's
		{"a", "unset", nil, true},           // neither says
		{"a", "missing", nil, true},         // the ServiceAccount does not exist
		{"a", "default", ptr(false), false}, // explicit default name
	} {
		got := newPodSpecBuilder(sas).spec(tc.ns, nil, &corev1.PodSpec{ServiceAccountName: tc.sa, AutomountServiceAccountToken: tc.pod})
		wantSA := tc.sa
		if wantSA == "" {
			wantSA = "default"
		}
		if got.AutomountToken != tc.want || got.ServiceAccount != wantSA {
			t.Errorf("%s/%q pod %v: automount %v sa %q, want %v %q", tc.ns, tc.sa, tc.pod, got.AutomountToken, got.ServiceAccount, tc.want, wantSA)
		}
	}
}

// TestAppArmorAnnotation normalises the legacy annotation values; values Kubernetes rejects
// are left out rather than guessed.
func TestAppArmorAnnotation(t *testing.T) {
	for v, want := range map[string]string{"runtime/default": "RuntimeDefault", "localhost/my-profile": "Localhost",
		"unconfined": "Unconfined", "RuntimeDefault": "", "": "", "localhost": ""} {
		if got := appArmorAnnotationType(v); got != want {
			t.Errorf("%q: got %q, want %q", v, got, want)
		}
	}
}

// TestVolumeTypeCoversEverySource: for each field of corev1.VolumeSource, a volume with only
// that field set has that field's JSON name as its type; a source added to client-go later
// fails here until VolumeType knows it.
func TestVolumeTypeCoversEverySource(t *testing.T) {
	vt := reflect.TypeFor[corev1.VolumeSource]()
	if vt.NumField() < 30 {
		t.Fatalf("VolumeSource has %d fields", vt.NumField())
	}
	for i := range vt.NumField() {
		f := vt.Field(i)
		var v corev1.VolumeSource
		reflect.ValueOf(&v).Elem().Field(i).Set(reflect.New(f.Type.Elem()))
		want, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if got := VolumeType(&v); got != want {
			t.Errorf("VolumeSource.%s: type %q, want %q", f.Name, got, want)
		}
	}
	if got := VolumeType(&corev1.VolumeSource{}); got != "unknown" {
		t.Errorf("no source: %q", got)
	}
}

func TestNamespaceAndNetworkPolicyFacts(t *testing.T) {
	nss := NamespaceFacts([]*corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/enforce-version": "v1.34", "pod-security.kubernetes.io/warn": "restricted",
			"pod-security.kubernetes.io/exempt": "x", "team": "payments"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "dev", Labels: map[string]string{"team": "dev"}}},
	})
	wantNS := []facts.Namespace{{Name: "dev"}, {Name: "shop", PodSecurity: map[string]string{"enforce": "restricted", "enforce-version": "v1.34", "warn": "restricted"}}}
	if !reflect.DeepEqual(nss, wantNS) {
		t.Errorf("namespaces %+v", nss)
	}
	egress := []networkingv1.NetworkPolicyEgressRule{{}}
	ingress := []networkingv1.NetworkPolicyIngressRule{{}, {}}
	nps := NetworkPolicyFacts([]*networkingv1.NetworkPolicy{
		{ObjectMeta: meta("shop", "z-allow-web"), Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Ingress: ingress}},
		{ObjectMeta: meta("shop", "deny-all"), Spec: networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress, networkingv1.PolicyTypeIngress}}},
		{ObjectMeta: meta("shop", "egress-implied"), Spec: networkingv1.NetworkPolicySpec{Egress: egress}},
		{ObjectMeta: meta("shop", "egress-only"), Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists}}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}}},
		{ObjectMeta: meta("a", "default-deny-ingress")},
	})
	wantNP := []facts.NetworkPolicy{
		{Namespace: "a", Name: "default-deny-ingress", SelectsAll: true, PolicyTypes: []string{"Ingress"}},
		{Namespace: "shop", Name: "deny-all", SelectsAll: true, PolicyTypes: []string{"Ingress", "Egress"}},
		{Namespace: "shop", Name: "egress-implied", SelectsAll: true, PolicyTypes: []string{"Ingress", "Egress"}, EgressRules: 1},
		{Namespace: "shop", Name: "egress-only", PolicyTypes: []string{"Egress"}},
		{Namespace: "shop", Name: "z-allow-web", PolicyTypes: []string{"Ingress"}, IngressRules: 2},
	}
	if !reflect.DeepEqual(nps, wantNP) {
		t.Errorf("network policies:\n got %+v\nwant %+v", nps, wantNP)
	}
}

// TestWorkloadsDocumentIsStrict: the facts as fleetaudit writes them pass the strict snapshot
// reader, with no null lists (also when the cluster has nothing), and read back equal.
func TestWorkloadsDocumentIsStrict(t *testing.T) {
	for name, in := range map[string]WorkloadObjects{
		"empty": {},
		"some": {
			Namespaces: []*corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}},
			NetworkPolicies: []*networkingv1.NetworkPolicy{{ObjectMeta: meta("shop", "deny"),
				Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}}},
			Pods: []*corev1.Pod{
				{ObjectMeta: meta("shop", "bare"), Spec: corev1.PodSpec{}}, // no containers, no volumes
				{ObjectMeta: meta("shop", "full"), Spec: corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{}},
					Volumes: []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}},
					Containers: []corev1.Container{{Name: "c", Image: "nginx", Ports: []corev1.ContainerPort{{HostPort: 80}},
						SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{}}}}}},
			},
		},
	} {
		c := &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: "x", Nodes: []facts.Node{}, Workloads: BuildWorkloads(in),
			Collection: []facts.CollectorRun{{Collector: "cluster"}, {Collector: "workloads"}}}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "null") {
			t.Errorf("%s: null in %s", name, b)
		}
		back, err := facts.Decode(b)
		if err != nil {
			t.Fatalf("%s: the strict reader refuses what the collector wrote: %v\n%s", name, err, b)
		}
		if !reflect.DeepEqual(back.Workloads, c.Workloads) {
			t.Errorf("%s: round trip changed the facts:\n got %+v\nwant %+v", name, back.Workloads, c.Workloads)
		}
	}
}

// TestWorkloadsKeepNoSecrets: a secret-looking string in every place a pod spec carries
// values (env, envFrom, command, args, annotations, labels, projected and downward API
// volumes, probes, lifecycle hooks, the template and object metadata) never reaches the facts.
func TestWorkloadsKeepNoSecrets(t *testing.T) {
	const secret = "hunter2-AKIAIOSFODNN7EXAMPLE"
	spec := corev1.PodSpec{
		Volumes: []corev1.Volume{{Name: "proj", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
			{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: secret},
				Items: []corev1.KeyToPath{{Key: secret, Path: secret}}}},
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Audience: secret, Path: "token"}},
			{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{Path: secret, FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}},
		}}}}, {Name: "cm", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: secret}}}}},
		Containers: []corev1.Container{{
			Name: "app", Image: "app:1", Command: []string{"/bin/sh", "-c", "login --password " + secret}, Args: []string{"--token=" + secret},
			Env: []corev1.EnvVar{{Name: "DB_PASSWORD", Value: secret},
				{Name: "API_KEY", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: secret}}}},
			EnvFrom:        []corev1.EnvFromSource{{Prefix: secret, SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: secret}}}},
			VolumeMounts:   []corev1.VolumeMount{{Name: "proj", MountPath: "/" + secret}},
			LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"check", secret}}}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", HTTPHeaders: []corev1.HTTPHeader{{Name: "Authorization", Value: secret}}}}},
			Lifecycle:      &corev1.Lifecycle{PostStart: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{secret}}}},
		}},
	}
	om := metav1.ObjectMeta{Namespace: "shop", Name: "web", Labels: map[string]string{"token": secret},
		Annotations: map[string]string{"kubectl.kubernetes.io/last-applied-configuration": `{"env":"` + secret + `"}`, "note": secret,
			appArmorAnnotationPrefix + "app": "localhost/" + secret}}
	in := WorkloadObjects{
		Deployments: []*appsv1.Deployment{{ObjectMeta: om, Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{ObjectMeta: om, Spec: spec}}}},
		Pods:        []*corev1.Pod{{ObjectMeta: om, Spec: spec}},
		Namespaces:  []*corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{"secret": secret}, Annotations: map[string]string{"a": secret}}}},
		NetworkPolicies: []*networkingv1.NetworkPolicy{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "np", Annotations: map[string]string{"a": secret}},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"k": secret}}}}},
	}
	w := BuildWorkloads(in)
	if len(w.Items) != 2 || w.Items[0].Pod.Containers[0].SecurityContext.AppArmorProfile != "Localhost" || len(w.Items[0].Pod.Volumes) != 2 {
		t.Fatalf("the facts lack what they should keep: %+v", w.Items)
	}
	b, _ := json.Marshal(w)
	for _, leak := range []string{"hunter2", "AKIA", "DB_PASSWORD", "API_KEY", "password"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("%q reached the facts: %s", leak, b)
		}
	}
}
