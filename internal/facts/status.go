package facts

import (
	"fmt"
	"strings"
)

// Status summarises how well a cluster was audited.
type Status string

// Cluster audit statuses.
const (
	// StatusOK: every collector succeeded.
	StatusOK Status = "ok"
	// StatusPartial: the cluster answered but some collectors failed; findings may be missing.
	StatusPartial Status = "partial"
	// StatusFailed: the cluster could not be audited (the identity collector failed).
	StatusFailed Status = "failed"
)

// IdentityCollector is the collector that must succeed for a cluster to count as reached.
const IdentityCollector = "cluster"

// Status derives the audit status from the collection records.
func (c *Cluster) Status() Status {
	if len(c.Collection) == 0 {
		return StatusFailed
	}
	st := StatusOK
	for _, r := range c.Collection {
		if r.OK() {
			continue
		}
		if r.Collector == IdentityCollector {
			return StatusFailed
		}
		st = StatusPartial
	}
	return st
}

// Problem returns a one-line description of why the cluster is not StatusOK, or "".
func (c *Cluster) Problem() string {
	var parts []string
	for _, r := range c.Collection {
		if !r.OK() {
			parts = append(parts, fmt.Sprintf("%s: %s: %s", r.Collector, r.Reason, r.Error))
		}
	}
	if len(c.Collection) == 0 {
		return "no collector ran"
	}
	return strings.Join(parts, "; ")
}

// Validate checks that a document read from a snapshot is one this build understands.
func (c *Cluster) Validate() error {
	if c.SchemaVersion != SchemaVersion {
		return fmt.Errorf("schemaVersion %q is not supported (want %q)", c.SchemaVersion, SchemaVersion)
	}
	if c.Name == "" {
		return fmt.Errorf("field name is empty")
	}
	return nil
}

// FileStem turns a cluster name (a kubeconfig context such as
// "arn:aws:eks:…:cluster/prod") into a safe file name stem: characters other than letters,
// digits, '.', '-' and '_' become '_'.
func FileStem(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, name)
}
