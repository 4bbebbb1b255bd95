# METADATA
# title: Velero is not installed
# description: >-
#   The cluster does not serve velero.io/v1: nothing backs up its objects and persistent
#   volumes, so a failed upgrade, a deleted namespace or a lost cluster cannot be restored.
#   Plan backups and restores before every upgrade: start from the premise that something
#   will go wrong. One finding per cluster.
# related_resources:
#   - ref: https://velero.io/docs/main/basic-install/
# custom:
#   id: FA-BAK-001
#   reads: [backup]
#   severity: high
#   category: backup
#   controls:
#     - {framework: K8s, id: backup-before-upgrade}
#   remediation: >-
#     Install Velero (velero install, or its Helm chart vmware-tanzu/velero) with a
#     BackupStorageLocation outside the cluster and a Schedule that backs up every namespace;
#     then test a restore.
package fleetaudit.backup.velero_missing

import data.fleetaudit.lib.k8s

deny contains finding if {
	input.cluster.backup.installed == false
	finding := {
		"msg": "Velero is not installed (the cluster does not serve velero.io/v1): nothing backs up its objects and volumes, so nothing can be restored if an upgrade goes wrong",
		"resource": k8s.cluster_resource,
	}
}
