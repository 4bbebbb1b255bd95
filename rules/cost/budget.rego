# METADATA
# title: Cluster cost over budget
# description: >-
#   The cluster's projected monthly cost (priced nodes, hourly × 730) is above its budget in
#   data.fleetaudit.params.cost.monthly_budget (by cluster name, "*" for every other cluster).
#   Unpriced nodes are not included, so the real cost is at least this.
# custom:
#   id: FA-COST-002
#   reads: [name, cost]
#   severity: high
#   category: cost
#   controls:
#     - {framework: FinOps, id: "budgeting"}
#   remediation: Reduce capacity (right-size, scale down idle nodes, move tolerant workloads to spot) or raise the budget.
package fleetaudit.cost.budget

import data.fleetaudit.lib.k8s

budgets := object.get(k8s.params("cost"), "monthly_budget", {})

budget := budgets[input.cluster.name]

budget := budgets["*"] if not budgets[input.cluster.name]

deny contains finding if {
	monthly := input.cluster.cost.monthly
	monthly > budget
	finding := {
		"msg": sprintf("projected monthly cost %s USD is over the budget of %s USD (%d%%)", [k8s.money(monthly), k8s.money(budget), round((100 * monthly) / budget)]),
		"resource": k8s.cluster_resource,
		"monthly": monthly,
		"budget": budget,
	}
}
