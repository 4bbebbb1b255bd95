// Package manifests builds the facts of a virtual cluster from files: plain manifests
// (YAML/JSON, multi-document, List kinds), a Helm chart rendered with its values, or a
// Kustomize overlay. The objects go through the same pure builders the live collectors
// use, so the same rules judge them; each finding is located at the file and line of its
// object (or of the offending field).
package manifests

import "context"

// Input kinds (facts.Source.Kind).
const (
	KindManifests = "manifests"
	KindHelm      = "helm"
	KindKustomize = "kustomize"
)

// Input is one thing audited as one virtual cluster: a file or folder of manifests, a
// Helm chart, or a Kustomize overlay. Its cluster name is Path.
type Input struct {
	// Kind is KindManifests, KindHelm or KindKustomize.
	Kind string
	// Path is the file, folder, chart or overlay as given ("-" for stdin).
	Path string
	// Read returns the input's documents. An error names the file (and line when known)
	// and how to fix it; documents read before it are still returned.
	Read func(ctx context.Context) ([]Document, error)
}

// Document is one YAML or JSON document of an input, before decoding.
type Document struct {
	// File is where it was read: the path as given (slash-separated), "<stdin>", or for a
	// rendered Helm chart the template's path (chart folder joined with templates/NAME).
	File string
	// Line is the 1-based line of File at which the document's text begins.
	Line int
	// Rendered marks documents produced by a template engine (Helm): Line counts lines of
	// File's rendered output.
	Rendered bool
	// Data is the document's text (YAML or JSON).
	Data []byte
}
