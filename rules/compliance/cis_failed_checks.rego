# METADATA
# title: CIS benchmark check failed
# description: >-
#   A scored check of the CIS Kubernetes Benchmark (as run by kube-bench) failed. Each finding
#   carries the CIS id, the node, and the check's own remediation. Severity is medium unless
#   data.fleetaudit.params.cis.check_severity names the check.
# related_resources:
#   - ref: https://www.cisecurity.org/benchmark/kubernetes
#   - ref: https://github.com/aquasecurity/kube-bench
# custom:
#   id: FA-CIS-001
#   reads: [cis]
#   severity: medium
#   severities: [critical, high, medium, low, info]
#   category: compliance
#   controls:
#     - {framework: NSA, id: "net-control-plane"}
#     - {framework: NSA, id: "net-worker-nodes"}
#   framework: cis
#   remediation: Apply the remediation given for the check, then re-run the audit.
package fleetaudit.compliance.cis_failed_checks

import data.fleetaudit.lib.k8s

params := k8s.params("cis")

severity(id) := object.get(object.get(params, "check_severity", {}), id, object.get(params, "default_severity", "medium"))

deny contains finding if {
	cis := input.cluster.cis
	some node in cis.nodes
	some c in node.checks
	c.status == "FAIL"
	c.scored
	finding := {
		"msg": sprintf("CIS %s %s failed on %s: %s", [cis.benchmark, c.id, node.node, c.text]),
		"resource": k8s.ref("v1", "Node", "", node.node),
		"controls": [{"framework": "CIS", "id": c.id, "version": cis.benchmark}],
		"remediation": object.get(c, "remediation", ""),
		"severity": severity(c.id),
		"check": c.text,
	}
}

deny contains finding if {
	cis := input.cluster.cis
	some node in cis.nodes
	node.error
	finding := {
		"msg": sprintf("no CIS results for %s: %s", [node.node, node.error]),
		"resource": k8s.ref("v1", "Node", "", node.node),
		"remediation": "Check why kube-bench gave no result on the node (job logs, node health) and re-run the audit.",
	}
}
