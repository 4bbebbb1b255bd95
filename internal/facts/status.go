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

// Validate checks that a document read from a snapshot is one this build understands and
// that it is whole: when its collection says a collector succeeded, the part that collector
// writes is there (a document that lost it would be audited as "ok" with no findings about
// it). The cis collector is not checked: it succeeds without writing for a cluster whose CIS
// source is none.
func (c *Cluster) Validate() error {
	if c.SchemaVersion != SchemaVersion {
		return schemaVersionError(c.SchemaVersion)
	}
	if c.Name == "" {
		return &DecodeError{Path: "name", Msg: "empty: every facts document names its cluster"}
	}
	for _, r := range c.Collection {
		present, ok := sections[r.Collector]
		if ok && r.OK() && !present(c) {
			return &DecodeError{Path: r.Collector, Msg: fmt.Sprintf("missing, but collection says the %s collector succeeded: take the snapshot again, or record the collector's error in collection", r.Collector)}
		}
	}
	return nil
}

// sections are the parts of the document that a collector of the same name writes whole.
var sections = map[string]func(*Cluster) bool{
	"rbac":         func(c *Cluster) bool { return c.RBAC != nil },
	"usage":        func(c *Cluster) bool { return c.Usage != nil },
	"cost":         func(c *Cluster) bool { return c.Cost != nil },
	"upgrade":      func(c *Cluster) bool { return c.Upgrade != nil },
	"workloads":    func(c *Cluster) bool { return c.Workloads != nil },
	"backup":       func(c *Cluster) bool { return c.Backup != nil },
	"certificates": func(c *Cluster) bool { return c.Certificates != nil },
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
