package facts

// CIS is the CIS Kubernetes Benchmark posture from kube-bench.
type CIS struct {
	// Source is where the results came from: local, job or file.
	Source string `json:"source"`
	// Benchmark is the kube-bench benchmark version run, e.g. cis-1.12 or eks-1.7.0.
	Benchmark string `json:"benchmark"`
	// Nodes holds one entry per node (or host) that was checked, sorted by node.
	Nodes []CISNode `json:"nodes"`
}

// CISNode is the result of kube-bench on one node.
type CISNode struct {
	Node string `json:"node"`
	// Error says why this node has no results (e.g. no result within the timeout).
	Error  string     `json:"error,omitempty"`
	Checks []CISCheck `json:"checks"`
}

// CISCheck is one kube-bench check result. The audit command's raw output (actual value) is
// left out on purpose: it can echo process command lines and file contents.
type CISCheck struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Section     string `json:"section"`
	NodeType    string `json:"nodeType"`
	Status      string `json:"status"` // PASS, FAIL, WARN or INFO
	Scored      bool   `json:"scored"`
	Remediation string `json:"remediation,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// ScoredCounts returns how many scored checks passed, and how many scored checks passed or
// failed (WARN and INFO checks need a person and are not counted).
func (c *CIS) ScoredCounts() (passed, evaluated int) {
	for _, n := range c.Nodes {
		for _, ch := range n.Checks {
			if !ch.Scored {
				continue
			}
			switch ch.Status {
			case "PASS":
				passed++
				evaluated++
			case "FAIL":
				evaluated++
			}
		}
	}
	return passed, evaluated
}
