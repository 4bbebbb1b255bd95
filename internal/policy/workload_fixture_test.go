package policy

import (
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// workloadFixture is a facts document whose workloads break every workload rule (FA-WL-*)
// that fires with the default parameters, so the checks that run over the fixtures (reads
// declarations, staging, conversion) cover those rules while the demo fleet and the
// synthetic cluster carry no workload facts.
func workloadFixture() *facts.Cluster {
	yes, no, root := true, false, int64(0)
	mem := int64(256 << 20)
	bad := facts.SecurityContext{
		Privileged: &yes, AllowPrivilegeEscalation: &yes, RunAsNonRoot: &no, RunAsUser: &root,
		CapabilitiesAdd: []string{"SYS_ADMIN", "NET_RAW"}, SeccompProfile: "Unconfined",
		AppArmorProfile: "Unconfined", SELinux: &facts.SELinux{Type: "spc_t"}, ProcMount: "Unmasked",
		WindowsHostProcess: &yes,
	}
	latest := facts.Image{Ref: "nginx", Registry: "docker.io", Repository: "docker.io/library/nginx"}
	tagged := facts.Image{Ref: "busybox:1.37", Registry: "docker.io", Repository: "docker.io/library/busybox", Tag: "1.37"}
	web := facts.Workload{
		Kind: "Deployment", APIVersion: "apps/v1", Namespace: "shop", Name: "web",
		Pod: facts.PodSpec{
			HostPID:         true,
			SecurityContext: facts.SecurityContext{RunAsUser: &root, Sysctls: []string{"kernel.msgmax"}},
			ServiceAccount:  "default", AutomountToken: true,
			Volumes: []facts.Volume{
				{Name: "docker", Type: "hostPath", HostPath: "/var/run/docker.sock"},
				{Name: "share", Type: "nfs"},
			},
			Containers: []facts.Container{
				{Name: "app", Type: "container", Image: latest, SecurityContext: bad, HostPorts: []int32{8080}},
				{Name: "setup", Type: "initContainer", Image: tagged},
			},
		},
	}
	legacy := facts.Workload{
		Kind: "CronJob", APIVersion: "batch/v1", Namespace: "default", Name: "report",
		Pod: facts.PodSpec{
			ServiceAccount: "report",
			Containers: []facts.Container{{Name: "report", Type: "container", Image: tagged,
				Limits: facts.ResourceAmounts{MemoryBytes: &mem}}},
		},
	}
	return &facts.Cluster{
		SchemaVersion: facts.SchemaVersion, Name: "workloads",
		CollectedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Version:     &facts.Version{GitVersion: "v1.33.5", Major: 1, Minor: 33, Patch: 5},
		Workloads: &facts.Workloads{
			Items: []facts.Workload{legacy, web},
			Namespaces: []facts.Namespace{
				{Name: "default"},
				{Name: "shop", PodSecurity: map[string]string{"enforce": "restricted", "enforce-version": "latest"}},
			},
			NetworkPolicies: []facts.NetworkPolicy{
				{Namespace: "default", Name: "allow-report", PolicyTypes: []string{"Egress"}, EgressRules: 1},
			},
		},
	}
}
