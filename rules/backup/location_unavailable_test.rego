package fleetaudit.backup.location_unavailable_test

import data.fleetaudit.backup.location_unavailable as rule
import data.fleetaudit.lib.backup_fixture as fx

broken := {"namespace": "velero", "name": "secondary", "provider": "gcp", "bucket": "dr", "default": false, "phase": "Unavailable", "message": "bucket dr not found"}

test_only_location_unavailable if {
	loc := object.union(broken, {"name": "default", "default": true})
	f := fx.only(rule.deny) with input as fx.cluster({"locations": [loc]})
	f.msg == "BackupStorageLocation velero/default (gcp) is Unavailable: bucket dr not found, and no location is Available: every backup fails"
	f.severity == "high"
	f.resource == {"apiVersion": "velero.io/v1", "kind": "BackupStorageLocation", "namespace": "velero", "name": "default"}
}

test_second_location_unavailable_is_medium if {
	f := fx.only(rule.deny) with input as fx.cluster({"locations": array.concat(fx.healthy.locations, [broken])})
	f.msg == "BackupStorageLocation velero/secondary (gcp) is Unavailable: bucket dr not found: the backups stored there fail (1 other location Available)"
	f.severity == "medium"
}

test_no_location if {
	f := fx.only(rule.deny) with input as fx.cluster({"locations": []})
	f.msg == "Velero has no BackupStorageLocation: backups have nowhere to go"
}

test_never_validated if {
	f := fx.only(rule.deny) with input as fx.cluster({"locations": [object.remove(object.union(broken, {"phase": ""}), ["message"])]})
	f.msg == "BackupStorageLocation velero/secondary (gcp) is not validated yet, and no location is Available: every backup fails"
}

test_available if {
	count(rule.deny) == 0 with input as fx.cluster({})
}

test_not_installed if {
	count(rule.deny) == 0 with input as fx.cluster({"installed": false, "locations": []})
}
