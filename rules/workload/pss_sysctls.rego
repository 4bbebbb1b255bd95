# METADATA
# title: Unsafe sysctls
# description: >-
#   Sysctls outside the safe, namespaced set change kernel settings shared with every other
#   pod on the node. Pod Security Standards baseline control "Sysctls": the pod may only set
#   kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start,
#   net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, and, by Kubernetes version,
#   net.ipv4.ip_local_reserved_ports (1.27), net.ipv4.tcp_keepalive_time,
#   net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes
#   (1.29), net.ipv4.tcp_rmem, net.ipv4.tcp_wmem (1.32), net.ipv4.tcp_slow_start_after_idle
#   and net.ipv4.tcp_notsent_lowat (1.37). The cluster's version picks the set; without it
#   the newest applies.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - ref: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
# custom:
#   id: FA-WL-010
#   reads: [workloads, version]
#   severity: medium
#   category: workload
#   controls:
#     - {framework: PSS, id: baseline/sysctls}
#     - {framework: NSA, id: pod-security-enforcement}
#   remediation: >-
#     Remove the unsafe sysctls from securityContext.sysctls; set node-wide kernel tuning on
#     the nodes instead.
package fleetaudit.workload.pss_sysctls

import data.fleetaudit.lib.workload as wl

# since maps each safe sysctl to the Kubernetes minor that made it safe.
since := {
	"kernel.shm_rmid_forced": 0,
	"net.ipv4.ip_local_port_range": 0,
	"net.ipv4.ip_unprivileged_port_start": 0,
	"net.ipv4.tcp_syncookies": 0,
	"net.ipv4.ping_group_range": 0,
	"net.ipv4.ip_local_reserved_ports": 27,
	"net.ipv4.tcp_keepalive_time": 29,
	"net.ipv4.tcp_fin_timeout": 29,
	"net.ipv4.tcp_keepalive_intvl": 29,
	"net.ipv4.tcp_keepalive_probes": 29,
	"net.ipv4.tcp_rmem": 32,
	"net.ipv4.tcp_wmem": 32,
	"net.ipv4.tcp_slow_start_after_idle": 37,
	"net.ipv4.tcp_notsent_lowat": 37,
}

minor := object.get(input.cluster, ["version", "minor"], 999)

safe(name) if since[name] <= minor

deny contains finding if {
	some w in wl.pss_items.baseline
	bad := [s | some s in w.pod.securityContext.sysctls; not safe(s)]
	count(bad) > 0
	places := [wl.pod_place("securityContext.sysctls", concat(", ", bad))]
	finding := wl.pss_finding(w, places, "sysctls outside the safe set:")
}
