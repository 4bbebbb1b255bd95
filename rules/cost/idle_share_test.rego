package fleetaudit.cost.idle_share_test

import data.fleetaudit.cost.idle_share as rule

test_idle_warned if {
	got := rule.warn with input as {"cluster": {"cost": {"hourly": 1.0, "idleHourly": 0.7}}}
	some f in got
	f.msg == "70% of the node cost is idle (0.7000 of 1.0000 USD per hour)"
}

test_lookalike_busy_cluster if {
	count(rule.warn) == 0 with input as {"cluster": {"cost": {"hourly": 1.0, "idleHourly": 0.3}}}
}
