package fleetaudit.cost.budget_test

import data.fleetaudit.cost.budget as rule

inp(monthly) := {"cluster": {"name": "prod", "cost": {"monthly": monthly}}}

test_over_budget_denied if {
	got := rule.deny with input as inp(1200) with data.fleetaudit.params as {"cost": {"monthly_budget": {"prod": 1000}}}
	some f in got
	f.msg == "projected monthly cost 1200.00 USD is over the budget of 1000.00 USD (120%)"
}

test_default_budget_applies if {
	count(rule.deny) == 1 with input as inp(600) with data.fleetaudit.params as {"cost": {"monthly_budget": {"*": 500}}}
}

test_lookalike_within_budget_or_no_budget if {
	count(rule.deny) == 0 with input as inp(900) with data.fleetaudit.params as {"cost": {"monthly_budget": {"prod": 1000, "*": 10}}}
	count(rule.deny) == 0 with input as inp(900)
}
