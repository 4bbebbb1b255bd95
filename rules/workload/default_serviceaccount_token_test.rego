package fleetaudit.workload.default_serviceaccount_token_test

import data.fleetaudit.lib.workload_fixture as fx
import data.fleetaudit.workload.default_serviceaccount_token as rule

test_default_serviceaccount_with_token if {
	f := fx.only(rule.deny) with input as fx.inp([fx.pod({"serviceAccount": "default", "automountToken": true})])
	f.msg == "Deployment shop/web runs as the default ServiceAccount of namespace shop with its token mounted"
	f.resource.fieldPath == "spec.template.spec.automountServiceAccountToken"
	not f.container
}

test_token_not_mounted_or_own_serviceaccount if {
	count(rule.deny) == 0 with input as fx.inp([fx.pod({"serviceAccount": "default", "automountToken": false})])
	count(rule.deny) == 0 with input as fx.inp([fx.compliant])
}

test_exempt_namespace_override if {
	w := fx.pod({"serviceAccount": "default", "automountToken": true})
	count(rule.deny) == 0 with input as fx.in_namespace(w, "kube-public", {})
	count(rule.deny) == 0 with input as fx.inp([w]) with data.fleetaudit.params as {"workload": {"exempt_namespaces": ["sh*"]}}
}
