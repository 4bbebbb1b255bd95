package fleetaudit.compliance.cis_failed_checks_test

import data.fleetaudit.compliance.cis_failed_checks as rule

chk(id, status, scored) := {"id": id, "text": sprintf("check %s", [id]), "status": status, "scored": scored, "remediation": sprintf("fix %s", [id])}

inp(checks) := {"cluster": {"cis": {"benchmark": "cis-1.12", "nodes": [{"node": "cp-1", "checks": checks}]}}}

test_failed_scored_check_is_a_finding_with_cis_id_and_remediation if {
	got := rule.deny with input as inp([chk("1.2.2", "FAIL", true)])
	count(got) == 1
	some f in got
	f.controls == [{"framework": "CIS", "id": "1.2.2", "version": "cis-1.12"}]
	f.remediation == "fix 1.2.2"
	f.severity == "high"
	f.resource == {"apiVersion": "v1", "kind": "Node", "name": "cp-1"}
	f.msg == "CIS cis-1.12 1.2.2 failed on cp-1: check 1.2.2"
}

test_default_severity if {
	some f in rule.deny with input as inp([chk("1.1.1", "FAIL", true)])
	f.severity == "medium"
}

test_lookalikes_not_flagged if {
	count(rule.deny) == 0 with input as inp([chk("1.1.1", "PASS", true), chk("1.1.2", "WARN", false), chk("1.1.3", "FAIL", false), chk("1.1.4", "INFO", true)])
}

test_node_without_results_reported if {
	got := rule.deny with input as {"cluster": {"cis": {"benchmark": "cis-1.12", "nodes": [{"node": "w1", "error": "no kube-bench result within 5m0s", "checks": []}]}}}
	some f in got
	f.msg == "no CIS results for w1: no kube-bench result within 5m0s"
}
