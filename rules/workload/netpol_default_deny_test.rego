package fleetaudit.workload.netpol_default_deny_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.netpol_default_deny as rule

policy(name, all, types, ingress) := {"namespace": "shop", "name": name, "selectsAll": all, "policyTypes": types, "ingressRules": ingress, "egressRules": 0}

test_policies_without_default_deny if {
	nps := [policy("allow-web", false, ["Ingress"], 1), policy("egress", true, ["Egress"], 0), policy("allow-all", true, ["Ingress"], 1)]
	f := fx.only(rule.deny) with input as fx.cluster([fx.compliant], [], nps)
	f.msg == "namespace shop runs 1 workload (Deployment/web) and has 3 NetworkPolicies (allow-web, egress, allow-all), none of which denies all ingress (podSelector {}, policyTypes Ingress, no ingress rules)"
}

test_one_policy if {
	f := fx.only(rule.deny) with input as fx.cluster([fx.compliant], [], [policy("allow-web", false, ["Ingress"], 1)])
	contains(f.msg, "has 1 NetworkPolicy (allow-web), none")
}

test_default_deny_ingress if {
	nps := [policy("allow-web", false, ["Ingress"], 1), policy("deny", true, ["Ingress", "Egress"], 0)]
	count(rule.deny) == 0 with input as fx.cluster([fx.compliant], [], nps)
}

test_no_policy_is_fa_wl_025s if {
	count(rule.deny) == 0 with input as fx.cluster([fx.compliant], [], [])
}
