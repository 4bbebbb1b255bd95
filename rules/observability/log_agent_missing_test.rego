package fleetaudit.observability.log_agent_missing_test

import data.fleetaudit.observability.log_agent_missing as rule

inp(dss) := {"cluster": {"observability": {"daemonSets": dss}}}

proxy := {"namespace": "kube-system", "name": "kube-proxy", "appName": "kube-proxy", "desired": 3, "ready": 3}

test_no_agent if {
	got := rule.deny with input as inp([proxy])
	some f in got
	f.msg == "no log agent: none of the 1 DaemonSets is a known log or event agent (observability.log_agents)"
	f.signal == "log_agent"
}

test_agent_by_name if {
	count(rule.deny) == 0 with input as inp([proxy, {"namespace": "logging", "name": "fluent-bit", "desired": 3, "ready": 3}])
}

test_agent_by_label if {
	count(rule.deny) == 0 with input as inp([{"namespace": "obs", "name": "logs", "appName": "alloy", "desired": 3, "ready": 3}])
}

test_custom_agent_list if {
	i := inp([{"namespace": "obs", "name": "acme-shipper", "desired": 3, "ready": 3}])
	count(rule.deny) == 1 with input as i
	count(rule.deny) == 0 with input as i with data.fleetaudit.params as {"observability": {"log_agents": ["acme-*"]}}
}

test_not_judged_without_facts if {
	count(rule.deny) == 0 with input as {"cluster": {}}
	count(rule.deny) == 0 with input as {"cluster": {"observability": {"daemonSets": null}}}
}
