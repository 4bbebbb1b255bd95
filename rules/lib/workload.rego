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

# items are the workloads outside exempt namespaces, in the facts' order.
items := [w | some w in object.get(facts, "items", []); not exempt(w.namespace)]

# name is how a message names a workload: "Deployment shop/web".
name(w) := sprintf("%s %s/%s", [w.kind, w.namespace, w.name])

containers(w) := object.get(w.pod, "containers", [])

# regular are the containers of spec.containers (not init or ephemeral ones).
regular(w) := [c | some c in containers(w); c.type == "container"]

# sc is a container's own security context; pod_sc the pod's.
sc(c) := object.get(c, "securityContext", {})

pod_sc(w) := object.get(w.pod, "securityContext", {})

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
pss[ns] := level_of(ns) if {
	some w in items
	ns := w.namespace
}

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

# pss_items are the workloads a control of level ("baseline" or "restricted") applies to:
# those in namespaces at that level or a stricter one. Privileged namespaces get none.
pss_items(level) := [w |
	some w in items
	levels[pss[w.namespace].level] >= levels[level]
]

# note says which level applies to w and where it comes from, for messages.
note(w) := sprintf("(PSS %s applies in namespace %s: %s)", [p.level, w.namespace, p.source]) if p := pss[w.namespace]

# ---- field paths --------------------------------------------------------------------

# spec_path is the path of the pod spec in the workload's object.
spec_path(w) := "spec" if w.kind == "Pod"

spec_path(w) := "spec.jobTemplate.spec.template.spec" if w.kind == "CronJob"

spec_path(w) := "spec.template.spec" if not w.kind in {"Pod", "CronJob"}

container_lists := {"container": "containers", "initContainer": "initContainers", "ephemeralContainer": "ephemeralContainers"}

container_kinds := {"container": "container", "initContainer": "init container", "ephemeralContainer": "ephemeral container"}

join_path(base, "") := base

join_path(base, field) := concat(".", [base, field]) if field != ""

pod_path(w, field) := join_path(spec_path(w), field)

container_path(w, c, field) := join_path(sprintf("%s.%s[name=%s]", [spec_path(w), object.get(container_lists, c.type, "containers"), c.name]), field)

volume_path(w, v, field) := join_path(sprintf("%s.volumes[name=%s]", [spec_path(w), v.name]), field)

# ---- places and findings ------------------------------------------------------------

# A place is where a finding points: {path, label} plus container for a container. detail,
# when not "", is the value found there, shown after the label.
pod_place(w, field, detail) := {"path": pod_path(w, field), "label": with_detail("the pod", detail)}

# field_place is a pod spec field named by its own label ("hostNetwork=true").
field_place(w, field, label) := {"path": pod_path(w, field), "label": label}

container_place(w, c, field, detail) := {
	"path": container_path(w, c, field),
	"label": with_detail(sprintf("%s %q", [object.get(container_kinds, c.type, "container"), c.name]), detail),
	"container": c.name,
}

volume_place(w, v, field, detail) := {"path": volume_path(w, v, field), "label": with_detail(sprintf("volume %q", [v.name]), detail)}

with_detail(label, "") := label

with_detail(label, detail) := sprintf("%s [%s]", [label, detail]) if detail != ""

# where lists the places for a message: `container "app" [SYS_ADMIN], init container "x"`.
where(places) := concat(", ", [p.label | some p in places])

# finding is a finding about workload w at places (its fieldPath: the one place's path,
# else the pod spec), carrying the containers named ("container" when there is one).
finding(w, places, msg) := object.union(
	{
		"msg": msg,
		"resource": object.union(resource(w), {"fieldPath": finding_path(w, places)}),
	},
	container_fields([p.container | some p in places; p.container]),
)

finding_path(_, places) := places[0].path if count(places) == 1

finding_path(w, places) := spec_path(w) if count(places) != 1

container_fields(names) := {} if count(names) == 0

container_fields(names) := {"container": names[0], "containers": names} if count(names) == 1

container_fields(names) := {"containers": names} if count(names) > 1

resource(w) := k8s.ref(api_version(w), w.kind, w.namespace, w.name)

api_version(w) := w.apiVersion if w.apiVersion != ""

api_version(w) := k8s.workload_api_version(w.kind) if object.get(w, "apiVersion", "") == ""

# pss_finding is a finding of a Pod Security Standards rule: "<workload>: <what> <places>
# (PSS <level> applies in namespace <ns>: <source>)".
pss_finding(w, places, what) := finding(w, places, sprintf("%s: %s %s %s", [name(w), what, where(places), note(w)]))

# with_controls adds controls (beyond the rule's) to a finding when there are any.
with_controls(f, controls) := f if count(controls) == 0

with_controls(f, controls) := object.union(f, {"controls": controls}) if count(controls) > 0

# cis is a CIS Kubernetes Benchmark control of the edition the rules cite.
cis(id) := {"framework": "CIS", "id": id, "version": "cis-1.12"}

# seccomp_allowed are the seccomp profile types a pod or container may set (unset included).
seccomp_allowed := {"", "RuntimeDefault", "Localhost"}

# ---- NetworkPolicies ----------------------------------------------------------------

policies := object.get(facts, "networkPolicies", [])

policy_namespaces := {p.namespace | some p in policies}

# networked maps each namespace to its workloads off the host network (those
# NetworkPolicies govern), in the facts' order.
networked[ns] := ws if {
	some ns in {w.namespace | some w in items; not w.pod.hostNetwork}
	ws := [w | some w in items; w.namespace == ns; not w.pod.hostNetwork]
}

# examples names workloads for a message: "2 workloads (Deployment/web, StatefulSet/db)",
# at most three by name.
examples(ws) := sprintf("%d workload%s (%s%s)", [count(ws), plural(count(ws)), concat(", ", [sprintf("%s/%s", [w.kind, w.name]) | some w in array.slice(ws, 0, 3)]), more(count(ws))])

plural(1) := ""

plural(n) := "s" if n != 1

more(n) := "" if n <= 3

more(n) := ", …" if n > 3
