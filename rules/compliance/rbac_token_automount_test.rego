package fleetaudit.compliance.rbac_token_automount_test

import data.fleetaudit.compliance.rbac_token_automount as rule

inp(sa, grants) := {"cluster": {"rbac": {
	"roles": {},
	"subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop", "key": "ServiceAccount/shop/web", "grants": grants}],
	"serviceAccounts": [sa],
}}}

web(with_token) := {"namespace": "shop", "name": "web", "pods": 3, "podsWithToken": with_token, "exists": true}

test_unneeded_token_flagged if {
	got := rule.deny with input as inp(web(3), [])
	some f in got
	f.resource == {"apiVersion": "v1", "kind": "ServiceAccount", "namespace": "shop", "name": "web"}
}

test_lookalike_bound_sa_not_flagged if {
	count(rule.deny) == 0 with input as inp(web(3), [{"binding": "RoleBinding/shop/b", "role": "Role/shop/r", "namespace": "shop"}])
}

test_lookalike_automount_off_not_flagged if {
	count(rule.deny) == 0 with input as inp(web(0), [])
}
