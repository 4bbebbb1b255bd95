# The compliant restricted pod of the fixture passes every Pod Security Standards control,
# and every other workload rule.
package fleetaudit.workload.compliant_test

import data.fleetaudit.lib.workload_fixture as fx

# pss_rules are the packages of the 17 Pod Security Standards rules (11 baseline, 6
# restricted controls).
pss_rules := [
	"pss_host_namespaces", "pss_privileged", "pss_capabilities", "pss_hostpath_volumes",
	"pss_host_ports", "pss_apparmor", "pss_selinux", "pss_proc_mount", "pss_seccomp",
	"pss_sysctls", "pss_hostprocess",
	"pss_volume_types", "pss_privilege_escalation", "pss_run_as_non_root",
	"pss_run_as_non_root_user", "pss_seccomp_restricted", "pss_capabilities_restricted",
]

# other_deny_rules and warn_rules are the packages of the other workload rules.
other_deny_rules := [
	"image_mutable_tag", "image_registry", "requests_missing", "memory_limit_missing",
	"default_serviceaccount_token", "netpol_missing", "netpol_default_deny", "default_namespace",
]

warn_rules := ["image_digest", "probes_missing"]

test_compliant_pod_passes_every_other_workload_rule if {
	params := {"workload": {"images": {"allowed_registries": ["registry.example.com"]}}}
	every name in other_deny_rules {
		count(data.fleetaudit.workload[name].deny) == 0 with input as fx.inp([fx.compliant]) with data.fleetaudit.params as params
	}
	every name in warn_rules {
		count(data.fleetaudit.workload[name].warn) == 0 with input as fx.inp([fx.compliant]) with data.fleetaudit.params as params
	}
}

test_compliant_restricted_pod_passes_every_pss_rule if {
	count(pss_rules) == 17
	every name in pss_rules {
		count(data.fleetaudit.workload[name].deny) == 0 with input as fx.inp([fx.compliant])
	}
}

test_compliant_pod_passes_as_every_kind if {
	every kind in ["Pod", "Job", "CronJob", "StatefulSet", "DaemonSet", "ReplicaSet"] {
		every name in pss_rules {
			count(data.fleetaudit.workload[name].deny) == 0 with input as fx.inp([object.union(fx.compliant, {"kind": kind})])
		}
	}
}

# Not vacuous: a pod that breaks everything is found by every rule.
test_everything_wrong_is_found_by_every_pss_rule if {
	bad_sc := {
		"privileged": true, "allowPrivilegeEscalation": true, "runAsNonRoot": false, "runAsUser": 0,
		"capabilitiesAdd": ["SYS_ADMIN"], "capabilitiesDrop": [], "seccompProfile": "Unconfined",
		"appArmorProfile": "Unconfined", "seLinux": {"type": "spc_t"}, "procMount": "Unmasked",
		"windowsHostProcess": true,
	}
	w := fx.pod({
		"hostPID": true,
		"securityContext": {"sysctls": ["kernel.msgmax"]},
		"volumes": [{"name": "root", "type": "hostPath", "hostPath": "/"}],
		"containers": [object.union(fx.container("app"), {"securityContext": bad_sc, "hostPorts": [80]})],
	})
	every name in pss_rules {
		count(data.fleetaudit.workload[name].deny) == 1 with input as fx.inp([w])
	}
}
