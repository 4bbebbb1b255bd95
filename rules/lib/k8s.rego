# METADATA
# description: Shared helpers for fleetaudit rules.
package fleetaudit.lib.k8s

# params returns the tuning document of one rule area, or {} when absent.
params(area) := object.get(data.fleetaudit.params, area, {})

# node_resource names a node the way findings name resources.
node_resource(node) := sprintf("node/%s", [node.name])
