package testkit

// HostileRule is a rule file (high, compliance) whose deny body, from line 10, is body: the
// tests of the Rego sandbox and the evaluation deadline write rules that call refused
// builtins or loop.
func HostileRule(id, pkg, body string) string {
	return "# METADATA\n# title: " + id + "\n# custom:\n#   id: " + id + "\n#   severity: high\n#   category: compliance\npackage " + pkg + "\n\n" +
		"deny contains {\"msg\": \"m\", \"resource\": {\"kind\": \"Cluster\"}} if {\n" + body + "\n}\n"
}
