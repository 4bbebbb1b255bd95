# Test fixtures for the RBAC rules: inputs with one subject bound to one role.
package fleetaudit.lib.rbac_fixture

user := {"kind": "User", "name": "alice", "key": "User/alice"}

group(name) := {"kind": "Group", "name": name, "key": sprintf("Group/%s", [name])}

sa(ns, name) := {"kind": "ServiceAccount", "name": name, "namespace": ns, "key": sprintf("ServiceAccount/%s/%s", [ns, name])}

rule(verbs, groups, resources) := {"verbs": verbs, "apiGroups": groups, "resources": resources}

binding(scope) := "ClusterRoleBinding/b" if scope == ""

binding(scope) := sprintf("RoleBinding/%s/b", [scope]) if scope != ""

# bound: subject bound through binding "b" (cluster-wide when scope is "") to ClusterRole/r.
bound(subject, rules, scope) := bound_to(subject, "ClusterRole/r", rules, scope)

bound_to(subject, role_key, rules, scope) := {"cluster": {"rbac": {
	"roles": {role_key: {"kind": "ClusterRole", "name": "r", "rules": rules, "bindings": 1}},
	"subjects": [object.union(subject, {"grants": [{"binding": binding(scope), "role": role_key, "namespace": scope}]})],
	"danglingBindings": [],
	"serviceAccounts": [],
}}}

# only(findings) is the single finding of a one-element set.
only(findings) := f if {
	count(findings) == 1
	some f in findings
}
