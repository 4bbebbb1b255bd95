package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// TestWorkloadPostureLiveEndToEnd creates real Deployments, a DaemonSet, a CronJob, Pods,
// Namespaces with Pod Security labels and NetworkPolicies on a real API server, audits it
// through the CLI and checks the exact workload findings: what must fire, on which workload
// and container, and what must not (a compliant restricted Deployment yields no finding at
// all; restricted controls stay silent in a baseline namespace; kube-system is exempt).
func TestWorkloadPostureLiveEndToEnd(t *testing.T) {
	f := testcluster.StartWith(t, testcluster.Options{AllowPrivileged: true}, "w")
	c := f.Cluster("w")
	ctx := context.Background()
	k := c.Admin
	yes, no := true, false
	uid, root := int64(10001), int64(0)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	namespace := func(name string, labels map[string]string) {
		must(k.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{}))
	}
	namespace("secure", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"})
	namespace("apps", nil) // no label: the fleet default level, baseline
	namespace("strict", map[string]string{"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/enforce": "baseline"})
	must(k.CoreV1().ServiceAccounts("secure").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "good"}, AutomountServiceAccountToken: &no}, metav1.CreateOptions{}))

	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}}
	labels := map[string]string{"app": "x"}
	template := func(spec corev1.PodSpec) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}
	}
	deployment := func(ns, name string, spec corev1.PodSpec) {
		must(k.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: template(spec)}}, metav1.CreateOptions{}))
	}

	// A compliant restricted workload: nothing may fire on it.
	deployment("secure", "good", corev1.PodSpec{
		ServiceAccountName: "good",
		SecurityContext:    &corev1.PodSecurityContext{RunAsNonRoot: &yes, RunAsUser: &uid, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		Volumes:            []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/team/app:1.2.3@sha256:" + strings.Repeat("ab", 32),
			Resources: res, LivenessProbe: probe, ReadinessProbe: probe,
			SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no, ReadOnlyRootFilesystem: &yes,
				Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
	})
	must(k.NetworkingV1().NetworkPolicies("secure").Create(ctx, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default-deny"},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}}, metav1.CreateOptions{}))

	// A node agent in a baseline namespace: host namespaces, privileged, hostPath.
	must(k.AppsV1().DaemonSets("apps").Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: template(corev1.PodSpec{
			HostNetwork: true, HostPID: true,
			Volumes: []corev1.Volume{{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}}},
			Containers: []corev1.Container{{Name: "agent", Image: "quay.io/acme/agent:2.0", Resources: res, LivenessProbe: probe, ReadinessProbe: probe,
				SecurityContext: &corev1.SecurityContext{Privileged: &yes}}},
		})}}, metav1.CreateOptions{}))
	// A CronJob with an untagged image under the default ServiceAccount: no probe finding
	// (it runs to completion), but the image and token findings.
	must(k.BatchV1().CronJobs("apps").Create(ctx, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "nightly"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyOnFailure,
			Containers:    []corev1.Container{{Name: "job", Image: "busybox", Resources: res}},
		}}}}}}, metav1.CreateOptions{}))
	// A restricted-by-warn namespace with a Deployment that runs as root.
	deployment("strict", "rooted", corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/team/rooted:1.0", Resources: res, LivenessProbe: probe, ReadinessProbe: probe,
			SecurityContext: &corev1.SecurityContext{RunAsUser: &root, AllowPrivilegeEscalation: &no, Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
	})
	// A bare debug pod in default with an added capability.
	c.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "debug", Namespace: "default"}, Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "shell", Image: "nicolaka/netshoot:v0.13", Resources: res,
			SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}}}}},
	}})
	// kube-system is exempt by default.
	must(k.AppsV1().DaemonSets("kube-system").Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "cni"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: template(corev1.PodSpec{
			HostNetwork: true, Containers: []corev1.Container{{Name: "cni", Image: "cni:latest", SecurityContext: &corev1.SecurityContext{Privileged: &yes}}},
		})}}, metav1.CreateOptions{}))

	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "audit", "--kubeconfig", kc, "-o", "json")
	if code == exitIncomplete || code == exitUsage {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a := decodeAudit(t, out)
	got := map[string][]string{} // resource → sorted "rule container"
	for _, fi := range a.Clusters[0].Findings {
		if fi.Category != "workload" {
			continue
		}
		if len(fi.Controls) == 0 {
			t.Errorf("%s on %s carries no controls", fi.RuleID, fi.Resource)
		}
		entry := fi.RuleID
		if ctr, _ := fi.Details["container"].(string); ctr != "" {
			entry += " " + ctr
		}
		got[fi.Resource.Kind+"/"+fi.Resource.Namespace+"/"+fi.Resource.Name] = append(got[fi.Resource.Kind+"/"+fi.Resource.Namespace+"/"+fi.Resource.Name], entry)
	}
	for k := range got {
		slices.Sort(got[k])
	}
	want := map[string][]string{
		"DaemonSet/apps/agent":     {"FA-WL-001", "FA-WL-002 agent", "FA-WL-004", "FA-WL-019 agent", "FA-WL-024"},
		"CronJob/apps/nightly":     {"FA-WL-018 job", "FA-WL-024"}, // FA-WL-019 leaves untagged images to FA-WL-018
		"Deployment/strict/rooted": {"FA-WL-014 app", "FA-WL-015 app", "FA-WL-019 app", "FA-WL-024"},
		"Pod/default/debug":        {"FA-WL-003 shell", "FA-WL-019 shell", "FA-WL-021 shell", "FA-WL-024", "FA-WL-027"},
		"Namespace//apps":          {"FA-WL-025"},
		"Namespace//strict":        {"FA-WL-025"},
		"Namespace//default":       {"FA-WL-025"},
	}
	for res, w := range want {
		if g := got[res]; !slices.Equal(g, w) {
			t.Errorf("%s: findings %v, want %v", res, g, w)
		}
	}
	for res, g := range got {
		if _, ok := want[res]; !ok {
			t.Errorf("unexpected workload findings on %s: %v", res, g)
		}
	}
	if t.Failed() {
		t.Log(fmt.Sprint(got))
	}
}

// TestDemoShowsWorkloadPosture: the demo fleet shows the workload posture rules to a
// newcomer: findings of at least 15 distinct workload rules, each with its controls, and the
// PSS controls in the report's control table.
func TestDemoShowsWorkloadPosture(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--demo", "-o", "json")
	if code == exitUsage || code == exitIncomplete {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a := decodeAudit(t, out)
	ids := map[string]bool{}
	for _, c := range a.Clusters {
		for _, fi := range c.Findings {
			if fi.Category != "workload" {
				continue
			}
			ids[fi.RuleID] = true
			if len(fi.Controls) == 0 {
				t.Errorf("%s on %s has no controls", fi.RuleID, fi.Resource)
			}
		}
	}
	if len(ids) < 15 {
		t.Errorf("demo workload findings from %d rules, want at least 15: %v", len(ids), ids)
	}
	pss := 0
	for _, ctl := range a.Controls {
		if ctl.Framework == "PSS" {
			pss++
			if ctl.Status == "" || len(ctl.Rules) == 0 {
				t.Errorf("control row %+v", ctl)
			}
		}
	}
	if pss != 17 {
		t.Errorf("%d PSS controls in the control table, want all 17", pss)
	}
}
