package fleetaudit.lib.backup_test

import data.fleetaudit.lib.backup

test_duration if {
	backup.duration(0) == "0s"
	backup.duration(59) == "59s"
	backup.duration(60) == "1m"
	backup.duration(3599) == "59m"
	backup.duration(3600) == "1h"
	backup.duration(5400) == "1h 30m"
	backup.duration(86400) == "1d"
	backup.duration(1814400) == "21d"
	backup.duration(187200) == "2d 4h"
}

test_age_from_collected_at if {
	backup.age("2026-11-19T06:00:00Z") == 86400 with input as {"cluster": {"collectedAt": "2026-11-20T06:00:00Z"}}
}

test_exempt_defaults_and_globs if {
	backup.exempt("velero")
	not backup.exempt("shop")
	backup.exempt("team-a") with data.fleetaudit.params.backup.exempt_namespaces as ["team-*"]
	not backup.exempt("kube-system") with data.fleetaudit.params.backup.exempt_namespaces as ["team-*"]
}
