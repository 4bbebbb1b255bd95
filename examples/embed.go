// Package examples ships the example profile catalog and bindings, embedded so that the
// demo fleet (audit --demo) is held to them wherever the binary runs.
package examples

import "embed"

// FS holds profiles/*.yaml (a catalog) and bindings.yaml (the demo fleet's bindings).
//
//go:embed profiles/*.yaml bindings.yaml
var FS embed.FS
