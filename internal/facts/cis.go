package facts

import "time"

// CIS is the CIS Kubernetes Benchmark posture from kube-bench.
type CIS struct {
	// Source is where the results came from: local, job or file.
	Source string `json:"source"`
	// Benchmark is the kube-bench benchmark version run, e.g. cis-1.12 or eks-1.7.0.
	Benchmark string `json:"benchmark"`
	// Nodes holds one entry per node (or host) that was checked, sorted by node.
	Nodes []CISNode `json:"nodes"`
	// Coverage is which of the cluster's nodes have a fresh, stale or no result (issue 20);
	// nil when the source cannot tell (a single host).
	Coverage *CISCoverage `json:"coverage,omitempty"`
}

// CISCoverage says which nodes of the cluster the results cover.
type CISCoverage struct {
	// Nodes is the cluster's node count; Fresh + Stale + len(Missing) == Nodes.
	Nodes int `json:"nodes"`
	Fresh int `json:"fresh"`
	// Stale names nodes whose newest result is older than MaxAge, sorted.
	Stale []string `json:"stale"`
	// Missing names nodes with no result at all (or only an error), sorted.
	Missing []string `json:"missing"`
	// MaxAge is the freshness limit as a Go duration ("24h").
	MaxAge string `json:"maxAge"`
}

// CISNode is the result of kube-bench on one node.
type CISNode struct {
	Node string `json:"node"`
	// Error says why this node has no results (e.g. no result within the timeout).
	Error  string     `json:"error,omitempty"`
	Checks []CISCheck `json:"checks"`
	// Role is the node's role: "control-plane" or "worker" (from its labels), "" unknown.
	Role string `json:"role,omitempty"`
	// Benchmark and KubeBenchVersion this node's result was produced with (a node agent
	// may run another benchmark than its neighbours, e.g. during a node image rollout).
	Benchmark        string `json:"benchmark,omitempty"`
	KubeBenchVersion string `json:"kubeBenchVersion,omitempty"`
	// Source is how this node's result arrived: "local", "job", "file" or "agent".
	Source string `json:"source,omitempty"`
	// CheckedAt is when the checks ran (zero when unknown, e.g. a plain kube-bench file).
	CheckedAt *time.Time `json:"checkedAt,omitempty"`
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
