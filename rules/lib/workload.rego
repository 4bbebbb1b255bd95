# METADATA
# description: >-
#   Workload helpers: the workloads the workload rules judge (outside
#   data.fleetaudit.params.workload.exempt_namespaces), the Pod Security Standards level that
#   applies in each namespace, field paths into pod templates, and the finding shape.
package fleetaudit.lib.workload

import data.fleetaudit.lib.k8s

params := k8s.params("workload")

facts := object.get(input.cluster, "workloads", {})

# The defaults of params.json, for parameter documents that leave a key out.
default_exempt_namespaces := ["kube-system", "kube-public", "kube-node-lease"]

default_level := "baseline"

exempt(ns) if {
	some pattern in object.get(params, "exempt_namespaces", default_exempt_namespaces)
	glob.match(pattern, null, ns)
}

# items are the workloads the rules judge: those outside exempt namespaces, in the facts'
# order. (What findings say about a workload, its title, paths and level note, is worked out
# per finding: most workloads have none, and OPA's builtins are dear enough that preparing
# it for every workload costs more than it saves.)
items := [w | some w in object.get(facts, "items", []); not exempt(w.namespace)]

api_version(w) := w.apiVersion if {
	w.apiVersion != ""
} else := k8s.workload_api_version(w.kind)

# linux_only(w) holds when the restricted controls Pod Security marks Linux-only (privilege
# escalation, seccomp, capabilities) apply to w: always, except to a pod with spec.os.name
# windows on Kubernetes 1.25 or later.
linux_only(w) if not windows(w)

windows(w) if {
	object.get(w.pod, "os", "") == "windows"
	object.get(input.cluster, ["version", "minor"], 999) >= 25
}

# name is how a message names a workload: "Deployment shop/web".
name(w) := concat("", [w.kind, " ", w.namespace, "/", w.name])

# ---- Pod Security Standards level of a namespace --------------------------------------

levels := {"privileged": 0, "baseline": 1, "restricted": 2}

modes := ["enforce", "audit", "warn"]

label_prefix := "pod-security.kubernetes.io/"

# read_level is the level a label value sets, as Pod Security Admission reads it: a value
# that is not a level is restricted for enforce (it fails closed) and privileged for audit
# and warn (they fail open).
read_level(_, value) := value if value in object.keys(levels)

read_level("enforce", value) := "restricted" if not value in object.keys(levels)

read_level(mode, value) := "privileged" if {
	mode != "enforce"
	not value in object.keys(levels)
}

pod_security := {ns.name: object.get(ns, "podSecurity", {}) | some ns in object.get(facts, "namespaces", [])}

# label_levels are the namespace's level labels, in the order enforce, audit, warn.
label_levels(ns) := [{"mode": mode, "value": value, "level": read_level(mode, value)} |
	some mode in modes
	value := object.get(pod_security, [ns, mode], null)
	is_string(value)
]

# pss[ns] is {level, source} for every namespace with workloads: the strictest of its
# enforce, audit and warn labels (the first of those modes on a tie), else the fleet default.
# (Complete documents, not partial rules: a lookup in a partial rule walks every item.)
pss := {ns: level_of(ns) | some ns in {w.namespace | some w in items}}

level_of(ns) := {"level": top.level, "source": label_source(top)} if {
	labels := label_levels(ns)
	count(labels) > 0
	rank := max([levels[l.level] | some l in labels])
	top := [l | some l in labels; levels[l.level] == rank][0]
}

level_of(ns) := fleet_default if count(label_levels(ns)) == 0

label_source(l) := sprintf("label %s%s=%s", [label_prefix, l.mode, l.value]) if l.value == l.level

label_source(l) := sprintf("label %s%s=%q, not a level, read as %s as Pod Security Admission does", [label_prefix, l.mode, l.value, l.level]) if l.value != l.level

fleet_default := {"level": value, "source": "no pod-security label; fleet default workload.pss.default_level"} if {
	value := object.get(params, ["pss", "default_level"], default_level)
	value in object.keys(levels)
}

fleet_default := {"level": "restricted", "source": sprintf("no pod-security label; fleet default workload.pss.default_level=%q is not a level, read as restricted", [value])} if {
	value := object.get(params, ["pss", "default_level"], default_level)
	not value in object.keys(levels)
}

# pss_items are, by control level (baseline, restricted), the workloads the controls of that
# level apply to: those in namespaces at that level or a stricter one. Privileged
# namespaces get none.
pss_items := {level: [w | some w in items; levels[pss[w.namespace].level] >= rank] |
	some level in ["baseline", "restricted"]
	rank := levels[level]
}

# note says which level applies to w and where it comes from, for messages.
note(w) := notes[w.namespace]

notes := {ns: sprintf("(PSS %s applies in namespace %s: %s)", [p.level, ns, p.source]) | some ns, p in pss}

# ---- field paths --------------------------------------------------------------------

# spec_path is the path of the pod spec in the workload's object.
spec_path(w) := object.get(spec_paths, w.kind, "spec.template.spec")

spec_paths := {"Pod": "spec", "CronJob": "spec.jobTemplate.spec.template.spec"}

container_lists := {"container": "containers", "initContainer": "initContainers", "ephemeralContainer": "ephemeralContainers"}

container_kinds := {"container": "container", "initContainer": "init container", "ephemeralContainer": "ephemeral container"}

# pod_path, container_path and volume_path are paths of fields in the workload's object
# ("spec.template.spec.containers[name=app].securityContext.privileged").
pod_path(w, field) := path_of(w, {"field": field})

container_path(w, c, field) := path_of(w, container_at(c, field))

volume_path(w, v, field) := path_of(w, {"list": "volumes", "name": v.name, "field": field})

container_at(c, field) := {"list": object.get(container_lists, c.type, "containers"), "name": c.name, "field": field}

# path_of is the path of a place's "at": {path} from the object's root, or {list, name,
# field} / {field} under the pod spec (field "" for the item itself).
path_of(w, at) := at.path if {
	at.path
} else := join_path(concat("", [spec_path(w), ".", at.list, "[name=", at.name, "]"]), at.field) if {
	at.list
} else := join_path(spec_path(w), at.field)

join_path(base, field) := base if {
	field == ""
} else := concat(".", [base, field])

# ---- places and findings ------------------------------------------------------------

# A place is where a finding points: "label" names it in messages, followed by the value
# found there in brackets when detail is not ""; "at" locates it (see path_of); "container"
# names a container. (Paths are worked out only for the finding's fieldPath.)
pod_place(field, detail) := {"at": {"field": field}, "label": with_detail("the pod", detail)}

# field_place is a pod spec field named by its own label ("hostNetwork=true").
field_place(field, label) := {"at": {"field": field}, "label": label}

container_place(c, field, detail) := {
	"at": container_at(c, field),
	"label": with_detail(concat("", [object.get(container_kinds, c.type, "container"), " \"", c.name, "\""]), detail),
	"container": c.name,
}

volume_place(v, field, detail) := {
	"at": {"list": "volumes", "name": v.name, "field": field},
	"label": with_detail(concat("", ["volume \"", v.name, "\""]), detail),
}

# root_place is a path from the object's root ("metadata.namespace"), with no label.
root_place(path) := {"at": {"path": path}, "label": ""}

with_detail(label, detail) := label if {
	detail == ""
} else := concat("", [label, " [", detail, "]"])

# where lists the places for a message: `container "app" [SYS_ADMIN], init container "x"`.
where(places) := concat(", ", [p.label | some p in places])

# finding is a finding about workload w at places (its fieldPath: the one place's path,
# else the pod spec), carrying the containers named ("container" when there is one).
finding(w, places, msg) := object.union(
	{
		"msg": msg,
		"resource": {"apiVersion": api_version(w), "kind": w.kind, "namespace": w.namespace, "name": w.name, "fieldPath": finding_path(w, places)},
	},
	container_fields([p.container | some p in places; p.container]),
)

finding_path(w, places) := path_of(w, places[0].at) if {
	count(places) == 1
} else := spec_path(w)

container_fields(names) := {} if {
	count(names) == 0
} else := {"container": names[0], "containers": names} if {
	count(names) == 1
} else := {"containers": names}

# pss_finding is a finding of a Pod Security Standards rule: "<workload>: <what> <places>
# (PSS <level> applies in namespace <ns>: <source>)".
pss_finding(w, places, what) := finding(w, places, sprintf("%s: %s %s %s", [name(w), what, where(places), note(w)]))

# with_controls adds controls (beyond the rule's) to a finding when there are any.
with_controls(f, controls) := f if {
	count(controls) == 0
} else := object.union(f, {"controls": controls})

# cis is a CIS Kubernetes Benchmark control of the edition the rules cite.
cis(id) := {"framework": "CIS", "id": id, "version": "cis-1.12"}

# seccomp_allowed are the seccomp profile types a pod or container may set (unset included).
seccomp_allowed := {"", "RuntimeDefault", "Localhost"}

# ---- NetworkPolicies ----------------------------------------------------------------

policies := object.get(facts, "networkPolicies", [])

policy_namespaces := {p.namespace | some p in policies}

# networked maps each namespace to its workloads off the host network (those
# NetworkPolicies govern), in the facts' order.
networked := {ns: [w | some w in items; w.namespace == ns; not w.pod.hostNetwork] |
	some ns in {w.namespace | some w in items; not w.pod.hostNetwork}
}

# examples names workloads for a message: "2 workloads (Deployment/web, StatefulSet/db)",
# at most three by name.
examples(ws) := sprintf("%d workload%s (%s%s)", [count(ws), plural(count(ws)), concat(", ", [sprintf("%s/%s", [w.kind, w.name]) | some w in array.slice(ws, 0, 3)]), more(count(ws))])

plural(1) := ""

plural(n) := "s" if n != 1

more(n) := "" if n <= 3

more(n) := ", …" if n > 3
