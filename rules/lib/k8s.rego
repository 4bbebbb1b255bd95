# METADATA
# description: Shared helpers for fleetaudit rules.
package fleetaudit.lib.k8s

# params returns the tuning document of one rule area, or {} when absent.
params(area) := object.get(data.fleetaudit.params, area, {})

# node_resource names a node the way findings name resources.
node_resource(node) := sprintf("node/%s", [node.name])

# money formats an amount with two decimals. (sprintf's %f fails on whole numbers, which Rego
# keeps as integers.)
money(x) := sprintf("%d.%02d", [floor(c / 100), c % 100]) if {
	c := round(x * 100)
}

# rate formats an amount with four decimals (hourly prices).
rate(x) := sprintf("%d.%04d", [floor(c / 10000), c % 10000]) if {
	c := round(x * 10000)
}
