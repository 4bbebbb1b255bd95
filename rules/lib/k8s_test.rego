package fleetaudit.lib.k8s_test

import data.fleetaudit.lib.k8s

test_money_whole_and_fractional if {
	k8s.money(1200) == "1200.00"
	k8s.money(1200.5) == "1200.50"
	k8s.money(1.999) == "2.00"
	k8s.money(0.07) == "0.07"
}

test_rate if {
	k8s.rate(1) == "1.0000"
	k8s.rate(0.70004) == "0.7000"
	k8s.rate(0.12345) == "0.1235"
}
