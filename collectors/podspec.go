package collectors

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// podSpecBuilder turns pod specs into facts.PodSpec. It knows the ServiceAccounts (for the
// effective token automount) and caches parsed images, which many pod specs share.
type podSpecBuilder struct {
	automount map[nsName]*bool
	images    map[string]facts.Image
}

type nsName struct{ namespace, name string }

func newPodSpecBuilder(sas []*corev1.ServiceAccount) *podSpecBuilder {
	b := &podSpecBuilder{automount: make(map[nsName]*bool, len(sas)), images: map[string]facts.Image{}}
	for _, sa := range sas {
		b.automount[nsName{sa.Namespace, sa.Name}] = sa.AutomountServiceAccountToken
	}
	return b
}

// appArmorAnnotationPrefix is the pre-1.30 way to set a container's AppArmor profile, on the
// pod (template) metadata: container.apparmor.security.beta.kubernetes.io/<container>.
const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

// spec converts one pod spec of namespace ns; annotations are those of the pod or of the pod
// template, of which only the AppArmor ones are read. Env values, envFrom, commands,
// arguments, volume details (other than a hostPath's path) and mounts are not kept.
func (b *podSpecBuilder) spec(ns string, annotations map[string]string, spec *corev1.PodSpec) facts.PodSpec {
	sa := spec.ServiceAccountName
	if sa == "" {
		sa = spec.DeprecatedServiceAccount
	}
	if sa == "" {
		sa = "default"
	}
	mount := true
	if spec.AutomountServiceAccountToken != nil {
		mount = *spec.AutomountServiceAccountToken
	} else if m := b.automount[nsName{ns, sa}]; m != nil {
		mount = *m
	}
	out := facts.PodSpec{HostNetwork: spec.HostNetwork, HostPID: spec.HostPID, HostIPC: spec.HostIPC, OS: podOS(spec),
		SecurityContext: podSecurityContext(spec.SecurityContext), ServiceAccount: sa, AutomountToken: mount,
		Volumes:    make([]facts.Volume, 0, len(spec.Volumes)),
		Containers: make([]facts.Container, 0, len(spec.Containers)+len(spec.InitContainers)+len(spec.EphemeralContainers))}
	for i := range spec.Volumes {
		v := &spec.Volumes[i]
		fv := facts.Volume{Name: v.Name, Type: VolumeType(&v.VolumeSource)}
		if v.HostPath != nil {
			fv.HostPath = v.HostPath.Path
		}
		out.Volumes = append(out.Volumes, fv)
	}
	// The legacy AppArmor annotations, found without building a key per container.
	var appArmor map[string]string
	for k, v := range annotations {
		if name, ok := strings.CutPrefix(k, appArmorAnnotationPrefix); ok {
			if appArmor == nil {
				appArmor = map[string]string{}
			}
			appArmor[name] = appArmorAnnotationType(v)
		}
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		out.Containers = append(out.Containers, b.container("container", c.Name, c.Image, c.SecurityContext, c.Ports, &c.Resources,
			c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, appArmor))
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		out.Containers = append(out.Containers, b.container("initContainer", c.Name, c.Image, c.SecurityContext, c.Ports, &c.Resources,
			c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, appArmor))
	}
	for i := range spec.EphemeralContainers {
		c := &spec.EphemeralContainers[i].EphemeralContainerCommon
		out.Containers = append(out.Containers, b.container("ephemeralContainer", c.Name, c.Image, c.SecurityContext, c.Ports, &c.Resources,
			c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, appArmor))
	}
	return out
}

func (b *podSpecBuilder) container(typ, name, image string, sc *corev1.SecurityContext, ports []corev1.ContainerPort,
	res *corev1.ResourceRequirements, live, ready, startup *corev1.Probe, appArmor map[string]string) facts.Container {
	c := facts.Container{Name: name, Type: typ, Image: b.image(image), SecurityContext: containerSecurityContext(sc),
		LivenessProbe: live != nil, ReadinessProbe: ready != nil, StartupProbe: startup != nil,
		Requests: amounts(res.Requests), Limits: amounts(res.Limits)}
	if c.SecurityContext.AppArmorProfile == "" { // the field wins over the annotation
		c.SecurityContext.AppArmorProfile = appArmor[name]
	}
	for _, p := range ports {
		if p.HostPort != 0 {
			c.HostPorts = append(c.HostPorts, p.HostPort)
		}
	}
	return c
}

func (b *podSpecBuilder) image(ref string) facts.Image {
	if img, ok := b.images[ref]; ok {
		return img
	}
	repo, tag, digest := ParseImage(ref)
	registry, _, _ := strings.Cut(repo, "/")
	img := facts.Image{Ref: ref, Registry: registry, Repository: repo, Tag: tag, Digest: digest}
	b.images[ref] = img
	return img
}

// amounts reads CPU (millicores) and memory (bytes) of a ResourceList; unset ones stay nil.
func amounts(l corev1.ResourceList) facts.ResourceAmounts {
	var a facts.ResourceAmounts
	if q, ok := l[corev1.ResourceCPU]; ok {
		v := q.MilliValue()
		a.CPUMillis = &v
	}
	if q, ok := l[corev1.ResourceMemory]; ok {
		v := q.Value()
		a.MemoryBytes = &v
	}
	return a
}

func podSecurityContext(sc *corev1.PodSecurityContext) facts.SecurityContext {
	if sc == nil {
		return facts.SecurityContext{}
	}
	out := facts.SecurityContext{RunAsNonRoot: sc.RunAsNonRoot, RunAsUser: sc.RunAsUser, RunAsGroup: sc.RunAsGroup,
		SeccompProfile: seccompType(sc.SeccompProfile), AppArmorProfile: appArmorType(sc.AppArmorProfile),
		SELinux: seLinux(sc.SELinuxOptions)}
	if sc.WindowsOptions != nil {
		out.WindowsHostProcess = sc.WindowsOptions.HostProcess
	}
	for _, s := range sc.Sysctls {
		out.Sysctls = append(out.Sysctls, s.Name) // names only: values are not kept
	}
	return out
}

func containerSecurityContext(sc *corev1.SecurityContext) facts.SecurityContext {
	if sc == nil {
		return facts.SecurityContext{}
	}
	out := facts.SecurityContext{Privileged: sc.Privileged, AllowPrivilegeEscalation: sc.AllowPrivilegeEscalation,
		ReadOnlyRootFilesystem: sc.ReadOnlyRootFilesystem, RunAsNonRoot: sc.RunAsNonRoot, RunAsUser: sc.RunAsUser,
		RunAsGroup: sc.RunAsGroup, SeccompProfile: seccompType(sc.SeccompProfile), AppArmorProfile: appArmorType(sc.AppArmorProfile),
		SELinux: seLinux(sc.SELinuxOptions)}
	if sc.Capabilities != nil {
		out.CapabilitiesAdd = capabilities(sc.Capabilities.Add)
		out.CapabilitiesDrop = capabilities(sc.Capabilities.Drop)
	}
	if sc.ProcMount != nil {
		out.ProcMount = string(*sc.ProcMount)
	}
	if sc.WindowsOptions != nil {
		out.WindowsHostProcess = sc.WindowsOptions.HostProcess
	}
	return out
}

func capabilities(cs []corev1.Capability) []string {
	if len(cs) == 0 {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func seccompType(p *corev1.SeccompProfile) string {
	if p == nil {
		return ""
	}
	return string(p.Type)
}

func appArmorType(p *corev1.AppArmorProfile) string {
	if p == nil {
		return ""
	}
	return string(p.Type)
}

// appArmorAnnotationType normalises a legacy AppArmor annotation value to the field's type;
// a value Kubernetes does not accept is left out.
func appArmorAnnotationType(v string) string {
	switch {
	case v == "runtime/default":
		return string(corev1.AppArmorProfileTypeRuntimeDefault)
	case v == "unconfined":
		return string(corev1.AppArmorProfileTypeUnconfined)
	case strings.HasPrefix(v, "localhost/"):
		return string(corev1.AppArmorProfileTypeLocalhost)
	}
	return ""
}

func seLinux(o *corev1.SELinuxOptions) *facts.SELinux {
	if o == nil {
		return nil
	}
	return &facts.SELinux{User: o.User, Role: o.Role, Type: o.Type, Level: o.Level}
}

// VolumeType is the JSON name of the volume source that is set ("unknown" for none this
// build knows).
func VolumeType(v *corev1.VolumeSource) string {
	switch {
	case v.HostPath != nil:
		return "hostPath"
	case v.EmptyDir != nil:
		return "emptyDir"
	case v.GCEPersistentDisk != nil:
		return "gcePersistentDisk"
	case v.AWSElasticBlockStore != nil:
		return "awsElasticBlockStore"
	case v.GitRepo != nil:
		return "gitRepo"
	case v.Secret != nil:
		return "secret"
	case v.NFS != nil:
		return "nfs"
	case v.ISCSI != nil:
		return "iscsi"
	case v.Glusterfs != nil:
		return "glusterfs"
	case v.PersistentVolumeClaim != nil:
		return "persistentVolumeClaim"
	case v.RBD != nil:
		return "rbd"
	case v.FlexVolume != nil:
		return "flexVolume"
	case v.Cinder != nil:
		return "cinder"
	case v.CephFS != nil:
		return "cephfs"
	case v.Flocker != nil:
		return "flocker"
	case v.DownwardAPI != nil:
		return "downwardAPI"
	case v.FC != nil:
		return "fc"
	case v.AzureFile != nil:
		return "azureFile"
	case v.ConfigMap != nil:
		return "configMap"
	case v.VsphereVolume != nil:
		return "vsphereVolume"
	case v.Quobyte != nil:
		return "quobyte"
	case v.AzureDisk != nil:
		return "azureDisk"
	case v.PhotonPersistentDisk != nil:
		return "photonPersistentDisk"
	case v.Projected != nil:
		return "projected"
	case v.PortworxVolume != nil:
		return "portworxVolume"
	case v.ScaleIO != nil:
		return "scaleIO"
	case v.StorageOS != nil:
		return "storageos"
	case v.CSI != nil:
		return "csi"
	case v.Ephemeral != nil:
		return "ephemeral"
	case v.Image != nil:
		return "image"
	}
	return "unknown"
}

// podOS is spec.os.name, or "".
func podOS(spec *corev1.PodSpec) string {
	if spec.OS == nil {
		return ""
	}
	return string(spec.OS.Name)
}
