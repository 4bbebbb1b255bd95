package collectors

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
)

// Defaults of the job source.
const (
	DefaultCISJobImage   = "docker.io/aquasec/kube-bench:v0.15.6"
	DefaultCISJobTimeout = 5 * time.Minute
	// CISJobLabel marks the Jobs of one run, so they can be found and cleaned up.
	CISJobLabel = "fleetaudit.io/cis-run"
)

// cisHostPaths are the host folders kube-bench reads, mounted read-only (as in kube-bench's
// job.yaml).
var cisHostPaths = []struct{ name, host, mount string }{
	{"var-lib-etcd", "/var/lib/etcd", "/var/lib/etcd"},
	{"var-lib-kubelet", "/var/lib/kubelet", "/var/lib/kubelet"},
	{"var-lib-kube-scheduler", "/var/lib/kube-scheduler", "/var/lib/kube-scheduler"},
	{"var-lib-kube-controller-manager", "/var/lib/kube-controller-manager", "/var/lib/kube-controller-manager"},
	{"etc-systemd", "/etc/systemd", "/etc/systemd"},
	{"lib-systemd", "/lib/systemd", "/lib/systemd"},
	{"srv-kubernetes", "/srv/kubernetes", "/srv/kubernetes"},
	{"etc-kubernetes", "/etc/kubernetes", "/etc/kubernetes"},
	{"usr-bin", "/usr/bin", "/usr/local/mount-from-host/bin"},
	{"etc-cni-netd", "/etc/cni/net.d", "/etc/cni/net.d"},
	{"opt-cni-bin", "/opt/cni/bin", "/opt/cni/bin"},
}

// KubeBenchJob builds the Job that runs kube-bench on one node: pinned by nodeName, host PID
// namespace, host folders read-only, tolerating every taint, never retried.
func KubeBenchJob(name, namespace, runID, node, image, benchmark string, timeout time.Duration) *batchv1.Job {
	args := []string{"--json"}
	if benchmark != "" {
		args = append(args, "--benchmark", benchmark)
	}
	var vols []corev1.Volume
	var mounts []corev1.VolumeMount
	for _, p := range cisHostPaths {
		vols = append(vols, corev1.Volume{Name: p.name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: p.host}}})
		mounts = append(mounts, corev1.VolumeMount{Name: p.name, MountPath: p.mount, ReadOnly: true})
	}
	backoff, ttl := int32(0), int32(600)
	deadline := int64(timeout.Seconds())
	no := false
	labels := map[string]string{CISJobLabel: runID, "app.kubernetes.io/managed-by": "fleetaudit"}
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Spec: batchv1.JobSpec{
			BackoffLimit: &backoff, TTLSecondsAfterFinished: &ttl, ActiveDeadlineSeconds: &deadline,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					NodeName: node, HostPID: true, RestartPolicy: corev1.RestartPolicyNever,
					AutomountServiceAccountToken: &no,
					Tolerations:                  []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
					Containers: []corev1.Container{{
						Name: "kube-bench", Image: image, Command: []string{"kube-bench"}, Args: args,
						VolumeMounts: mounts,
					}},
					Volumes: vols,
				},
			},
		},
	}
}

// runCISJobs runs one Job per node, waits for each at most the timeout, reads the JSON from
// the pod log, and deletes the Jobs (and their pods) whatever happens. A node without a
// result in time gets an error entry instead of results.
func runCISJobs(ctx context.Context, t Target, cfg CISConfig, benchmark string, nodes []facts.Node) (*facts.CIS, error) {
	ns, image, timeout := cfg.JobNamespace, cfg.JobImage, cfg.JobTimeout
	if ns == "" {
		ns = "default"
	}
	if image == "" {
		image = DefaultCISJobImage
	}
	if timeout <= 0 {
		timeout = DefaultCISJobTimeout
	}
	runID := fmt.Sprintf("%d", time.Now().UnixNano())
	jobs := t.Client.BatchV1().Jobs(ns)
	defer func() {
		// Clean up with a fresh context: the audit's may be cancelled or expired.
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		bg := metav1.DeletePropagationBackground
		_ = jobs.DeleteCollection(cctx, metav1.DeleteOptions{PropagationPolicy: &bg},
			metav1.ListOptions{LabelSelector: CISJobLabel + "=" + runID})
	}()
	cis := &facts.CIS{Source: CISJob, Benchmark: benchmark, Nodes: make([]facts.CISNode, len(nodes))}
	var wg sync.WaitGroup
	for i, n := range nodes {
		name := cisJobName(runID, n.Name)
		if _, err := jobs.Create(ctx, KubeBenchJob(name, ns, runID, n.Name, image, benchmark, timeout), metav1.CreateOptions{}); err != nil {
			return nil, fmt.Errorf("create kube-bench job for node %s: %w", n.Name, err)
		}
		wg.Go(func() { cis.Nodes[i] = waitCISJob(ctx, t, ns, name, n.Name, timeout) })
	}
	wg.Wait()
	return cis, nil
}

func cisJobName(runID, node string) string {
	h := sha256.Sum256([]byte(runID + "/" + node))
	return "fleetaudit-cis-" + hex.EncodeToString(h[:])[:12]
}

// waitCISJob waits for the job's pod to finish and parses its log.
func waitCISJob(ctx context.Context, t Target, ns, job, node string, timeout time.Duration) facts.CISNode {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pods := t.Client.CoreV1().Pods(ns)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "job-name=" + job})
		if err == nil {
			for _, p := range list.Items {
				switch p.Status.Phase {
				case corev1.PodSucceeded, corev1.PodFailed:
					// kube-bench exits non-zero when a check fails; its JSON is still complete.
					raw, err := readKubeBenchLog(ctx, pods, p.Name)
					if err != nil {
						return facts.CISNode{Node: node, Error: fmt.Sprintf("read kube-bench log of pod %s: %v", p.Name, err), Checks: []facts.CISCheck{}}
					}
					controls, err := ParseKubeBenchJSON(raw)
					if err != nil {
						return facts.CISNode{Node: node, Error: fmt.Sprintf("pod %s: %v", p.Name, err), Checks: []facts.CISCheck{}}
					}
					return CISNodeFacts(node, controls)
				}
			}
		}
		select {
		case <-ctx.Done():
			return facts.CISNode{Node: node, Error: fmt.Sprintf("no kube-bench result within %s (job %s/%s)", timeout, ns, job), Checks: []facts.CISCheck{}}
		case <-tick.C:
		}
	}
}

// readKubeBenchLog reads the kube-bench container's log, at most MaxKubeBenchResultSize: the
// API server stops there (limitBytes), and so does the reader, whatever the server sends.
func readKubeBenchLog(ctx context.Context, pods typedcorev1.PodInterface, pod string) ([]byte, error) {
	limit := int64(MaxKubeBenchResultSize + 1)
	rc, err := pods.GetLogs(pod, &corev1.PodLogOptions{Container: "kube-bench", LimitBytes: &limit}).Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return sizelimit.Read(rc, MaxKubeBenchResultSize, "the log")
}
