package fleetaudit.workload.pss_privilege_escalation_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.pss_privilege_escalation as rule

test_unset_and_true_both_fail if {
	w := fx.without_sc(fx.container_sc("app", {"allowPrivilegeEscalation": true}), "setup", "allowPrivilegeEscalation")
	f := fx.only(rule.deny) with input as fx.inp([w])
	contains(f.msg, `allowPrivilegeEscalation is not false: container "app" [true], init container "setup" [unset] (`)
	f.containers == ["app", "setup"]
}

test_ephemeral_container_judged if {
	f := fx.only(rule.deny) with input as fx.inp([fx.without_sc(fx.compliant, "debug", "allowPrivilegeEscalation")])
	f.resource.fieldPath == "spec.template.spec.ephemeralContainers[name=debug].securityContext.allowPrivilegeEscalation"
}

test_restricted_from_the_fleet_default if {
	w := fx.without_sc(fx.compliant, "app", "allowPrivilegeEscalation")
	count(rule.deny) == 0 with input as fx.in_namespace(w, "shop", {})
	f := fx.only(rule.deny) with input as fx.in_namespace(w, "shop", {}) with data.fleetaudit.params as {"workload": {"pss": {"default_level": "restricted"}}}
	endswith(f.msg, "(PSS restricted applies in namespace shop: no pod-security label; fleet default workload.pss.default_level)")
}

test_false_everywhere_allowed if {
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}

# A Windows pod is exempt from this Linux-only restricted control from Kubernetes 1.25, not
# before.
test_windows_pod_exempt_from_1_25 if {
	bad := object.union(fx.container_sc("app", {"allowPrivilegeEscalation": true}), {"pod": {"os": "windows"}})
	count(rule.deny) == 0 with input as object.union(fx.inp([bad]), {"cluster": {"version": {"minor": 34}}})
	count(rule.deny) > 0 with input as object.union(fx.inp([bad]), {"cluster": {"version": {"minor": 24}}})
	count(rule.deny) > 0 with input as object.union(fx.inp([object.union(bad, {"pod": {"os": "linux"}})]), {"cluster": {"version": {"minor": 34}}})
}
