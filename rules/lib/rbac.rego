# METADATA
# description: >-
#   RBAC helpers: permission matching with Kubernetes' wildcard semantics, the exemptions of
#   data.fleetaudit.params.rbac, and the finding shape shared by the RBAC rules.
package fleetaudit.lib.rbac

import data.fleetaudit.lib.k8s

params := k8s.params("rbac")

facts := object.get(input.cluster, "rbac", {})

roles := object.get(facts, "roles", {})

subjects := object.get(facts, "subjects", [])

# Kubernetes RBAC matching (rbac/v1 evaluation helpers): "*" matches anything, and a rule
# resource "*/sub" matches any resource's subresource "sub".
verb_matches(rule, _) if rule.verbs[_] == "*"

verb_matches(rule, verb) if rule.verbs[_] == verb

# (Plain references, not object.get: a missing list is simply undefined, and these run hot.)
group_matches(rule, _) if rule.apiGroups[_] == "*"

group_matches(rule, group) if rule.apiGroups[_] == group

resource_matches(rule, _) if rule.resources[_] == "*"

resource_matches(rule, resource) if rule.resources[_] == resource

resource_matches(rule, resource) if {
	parts := split(resource, "/")
	count(parts) == 2
	rule.resources[_] == concat("/", ["*", parts[1]])
}

# blanket: the rule is not limited to named objects (resourceNames absent or empty).
blanket(rule) if not rule.resourceNames[0]

# allows: rule grants verb on group/resource for every object (rules limited to named
# objects with resourceNames are not a blanket grant).
allows(rule, verb, group, resource) if {
	blanket(rule)
	verb_matches(rule, verb)
	group_matches(rule, group)
	resource_matches(rule, resource)
}

grant_rules(grant) := object.get(roles, grant.role, {"rules": []}).rules

grant_allows(grant, verb, group, resource) if {
	some rule in grant_rules(grant)
	allows(rule, verb, group, resource)
}

# full_admin: the grant's role allows every verb on every resource of every group.
full_admin(grant) if grant.role in full_admin_roles

# allowed lists, sorted, which of perms ({verbs, groups, resources}) the grant allows.
allowed(grant, perms) := role_allowed(object.get(roles, grant.role, {"rules": []}), expand(perms))

# expand turns perms into [resource, "*/<subresource>" or "", verbs, groups] entries, so the
# wildcard form of each resource is worked out once per rule package, not per role rule.
expand(perms) := [[r, star_form(r), p.verbs, p.groups] | some p in perms; some r in p.resources]

star_form(r) := concat("/", ["*", split(r, "/")[1]]) if contains(r, "/")

star_form(r) := "" if not contains(r, "/")

# rule_resource: the rule names the resource, "*", or its "*/<subresource>" form.
rule_resource(rule, _, _) if rule.resources[_] == "*"

rule_resource(rule, resource, _) if rule.resources[_] == resource

rule_resource(rule, _, star) if {
	star != ""
	rule.resources[_] == star
}

# role_allowed lists which of the expanded perms a role allows. The loops prune early
# (blanket rule, resource, verb, group): it runs for every candidate role of every risk rule.
role_allowed(role, expanded) := sort({perm_string(verb, group, e[0]) |
	some rule in role.rules
	blanket(rule)
	some e in expanded
	rule_resource(rule, e[0], e[1])
	some verb in e[2]
	verb_matches(rule, verb)
	some group in e[3]
	group_matches(rule, group)
})

# roles_allowing maps each role that allows any of perms to what it allows. A rule package
# binds it once (a complete rule is evaluated once per query), then visits only the grants of
# those roles (risky_by_role).
roles_allowing(perms) := {key: what |
	expanded := expand(perms)
	some key in candidates(perms)
	what := role_allowed(roles[key], expanded)
	count(what) > 0
}

# resource_index maps each resource a role rule names ("pods", "*", "*/exec") to the roles
# naming it, so a risk rule only looks at roles that could match its resources.
role_resources := [[res, key] | some key, role in roles; some rule in role.rules; some res in rule.resources]

resource_index := {res: {pair[1] | some pair in role_resources; pair[0] == res} | some [res, _] in role_resources}

# candidates are the roles naming one of perms' resources, "*", or "*/<subresource>".
candidates(perms) := union({object.get(resource_index, name, set()) | some name in candidate_names(perms)})

candidate_names(perms) := {name |
	some p in perms
	some r in p.resources
	some name in [r, "*", concat("/", ["*", subresource(r)])]
}

subresource(r) := split(r, "/")[1] if contains(r, "/")

subresource(r) := "" if not contains(r, "/")

perm_string(verb, group, resource) := sprintf("%s %s", [verb, resource]) if group == ""

perm_string(verb, group, resource) := sprintf("%s %s.%s", [verb, resource, group]) if group != ""

subject_exempt(subject) if {
	subject.kind != "ServiceAccount"
	some pattern in object.get(params, "exempt_subjects", [])
	glob.match(pattern, null, subject.name)
}

subject_exempt(subject) if {
	subject.kind == "ServiceAccount"
	serviceaccount_exempt(subject.namespace, subject.name)
}

serviceaccount_exempt(namespace, name) if {
	some pattern in object.get(params, "exempt_serviceaccounts", [])
	glob.match(pattern, null, sprintf("%s:%s", [namespace, name]))
}

binding_exempt(grant) if grant.binding in object.get(params, "exempt_bindings", [])

# audited lists the [subject, grant] pairs the risk rules judge: not exempt by subject or
# binding. (An array: a set would hash every subject with all its grants.)
audited := [[subject, grant] |
	some subject in subjects
	not subject_exempt(subject)
	some grant in subject.grants
	not binding_exempt(grant)
]

full_admin_roles := {key | some key, role in roles; role_full_admin(role)}

role_full_admin(role) if {
	some rule in role.rules
	blanket(rule)
	rule.verbs[_] == "*"
	rule.apiGroups[_] == "*"
	rule.resources[_] == "*"
}

# risky lists the audited pairs whose role is not full admin (FA-RBAC-001 reports those once,
# instead of every specific risk a full admin also has).
risky := [pair | some pair in audited; not pair[1].role in full_admin_roles]

# risky_by_role groups the risky pairs by role, so a risk rule visits only the pairs of the
# roles that match it.
risky_by_role := {role: [pair | some pair in risky; pair[1].role == role] | some [_, grant] in risky; role := grant.role}

path(grant) := sprintf("%s -> %s", [grant.binding, grant.role])

# namespace of a grant: "" when cluster-wide. (Grants always carry it; these helpers read the
# field directly because they run for every finding.)
namespace(grant) := grant.namespace

cluster_wide(grant) if grant.namespace == ""

scope(grant) := "cluster-wide" if grant.namespace == ""

scope(grant) := sprintf("in namespace %s", [grant.namespace]) if grant.namespace != ""

# in_namespace: the grant applies in namespace ns (cluster-wide grants apply everywhere).
in_namespace(grant, _) if grant.namespace == ""

in_namespace(grant, ns) if grant.namespace == ns

finding(subject, grant, msg) := {
	"msg": msg,
	"resource": k8s.key_resource(subject.key),
	"subject": subject.key,
	"path": path(grant),
	"scope": grant.namespace,
}

# can_msg is the message of a permission finding.
can_msg(subject, grant, what) := sprintf("%s can %s %s via %s", [subject.key, concat(", ", what), scope(grant), path(grant)])

# who_can answers input.query ({verb, resource, group?, namespace?}) with one row per
# subject × grant that allows it, exempt subjects included (it states facts, not risks).
# Without group, any API group matches; without namespace, grants in every namespace count.
who_can contains row if {
	q := input.query
	some subject in subjects
	some grant in subject.grants
	query_scope(grant, q)
	some rule in grant_rules(grant)
	query_allows(rule, q)
	row := {"subject": subject.key, "binding": grant.binding, "role": grant.role, "namespace": namespace(grant)}
}

query_scope(_, q) if object.get(q, "namespace", "") == ""

query_scope(grant, q) if {
	q.namespace != ""
	in_namespace(grant, q.namespace)
}

query_allows(rule, q) if {
	not q.group
	count(object.get(rule, "resourceNames", [])) == 0
	verb_matches(rule, q.verb)
	resource_matches(rule, q.resource)
}

query_allows(rule, q) if allows(rule, q.verb, q.group, q.resource)
