# METADATA
# title: Last backup older than the profile allows
# description: >-
#   The gate's backup requirement (profile spec.requirements.backup.maxAge, a Go duration
#   such as 24h): an upgrade needs a Completed Velero backup younger than maxAge, scheduled or
#   started by hand (a pre-upgrade backup counts). The cluster's newest Completed backup must
#   be that young, and so must the newest one that takes in each namespace running workloads
#   (but those in params.backup.exempt_namespaces). It fails closed: no backup facts, Velero
#   not installed, or no Completed backup deny. Without the requirement it finds nothing.
# related_resources:
#   - ref: https://velero.io/docs/main/disaster-case/
# custom:
#   id: FA-BAK-009
#   reads: [backup, collectedAt]
#   severity: high
#   category: upgrade
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#     - {framework: NSA, id: upgrades}
#   remediation: >-
#     Take a backup before the upgrade (velero backup create pre-upgrade-$(date +%Y%m%d)
#     --wait) and check it completed; fix the schedules whose backups fail or age.
package fleetaudit.backup.gate_max_age

import data.fleetaudit.lib.backup as lib
import data.fleetaudit.lib.k8s

required := input.profile.requirements.backup.maxAge

max_age := round(time.parse_duration_ns(required) / 1000000000)

deny contains finding if {
	required
	not input.cluster.backup
	finding := {
		"msg": sprintf("no backup facts (the backup collector did not run or failed): the profile requires a backup younger than %s (fail closed)", [required]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	required
	input.cluster.backup.installed == false
	finding := {
		"msg": sprintf("Velero is not installed, so there is no backup to restore if the upgrade goes wrong: the profile requires one younger than %s", [required]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	required
	lib.installed
	not lib.facts.lastSuccessful
	finding := {
		"msg": sprintf("no Velero backup has completed: the profile requires one younger than %s", [required]),
		"resource": k8s.cluster_resource,
	}
}

deny contains finding if {
	required
	lib.installed
	b := lib.facts.lastSuccessful
	age := lib.age(b.completedAt)
	age > max_age
	finding := object.union(
		{
			"msg": sprintf("the newest Completed backup, %s, is %s old: the profile requires one younger than %s", [lib.key(b), lib.duration(age), required]),
			"resource": lib.ref("Backup", b),
		},
		{"ageSeconds": age, "maxAgeSeconds": max_age},
	)
}

# Per namespace, once the cluster's newest backup is young enough (else that one finding
# says it all).
deny contains finding if {
	required
	lib.installed
	lib.age(lib.facts.lastSuccessful.completedAt) <= max_age
	some ns in lib.facts.namespaces
	not lib.exempt(ns.name)
	not fresh(ns)
	finding := {
		"msg": sprintf("namespace %s runs %d workloads and %s: the profile requires a backup younger than %s", [ns.name, ns.workloads, last(ns), required]),
		"resource": k8s.namespace_resource(ns.name),
	}
}

fresh(ns) if lib.age(ns.lastBackup.completedAt) <= max_age

last(ns) := sprintf("its newest backup, %s, is %s old", [lib.key(ns.lastBackup), lib.duration(lib.age(ns.lastBackup.completedAt))]) if ns.lastBackup

last(ns) := "no Completed backup takes it in" if not ns.lastBackup
