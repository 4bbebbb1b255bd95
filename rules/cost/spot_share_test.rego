package fleetaudit.cost.spot_share_test

import data.fleetaudit.cost.spot_share as rule

inp(spot) := {"cluster": {"cost": {"spot": spot}}}

test_statefulset_on_spot_denied if {
	got := rule.deny with input as inp({"intolerantCpuMillis": 1000, "intolerantSpotCpuMillis": 500, "tolerantCpuMillis": 0, "tolerantSpotCpuMillis": 0, "intolerantOnSpot": ["db StatefulSet/pg"]})
	some f in got
	contains(f.msg, "50% of the CPU requests of interruption-intolerant workloads run on spot")
	contains(f.msg, "db StatefulSet/pg")
}

test_lookalike_intolerant_on_demand_and_tolerant_on_spot if {
	s := {"intolerantCpuMillis": 1000, "intolerantSpotCpuMillis": 0, "tolerantCpuMillis": 1000, "tolerantSpotCpuMillis": 800}
	count(rule.deny) == 0 with input as inp(s)
	count(rule.warn) == 0 with input as inp(s)
}

test_tolerant_share_below_min_warned if {
	s := {"intolerantCpuMillis": 0, "intolerantSpotCpuMillis": 0, "tolerantCpuMillis": 1000, "tolerantSpotCpuMillis": 100}
	count(rule.warn) == 1 with input as inp(s) with data.fleetaudit.params as {"cost": {"spot": {"tolerant_min": 0.5}}}
}
