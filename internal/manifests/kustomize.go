package manifests

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// KustomizeInput is a Kustomize overlay built like `kustomize build DIR` with the library's
// defaults: files under DIR and the bases it names, no plugins, no Helm, no network (a remote
// base is an error). Each object is a Document located at the file it came from (its
// origin, which the build is asked to record), at the line where that object begins there;
// Rendered is true because patches may have changed the object after that line.
func KustomizeInput(dir string) Input {
	return Input{Kind: KindKustomize, Path: dir, Read: func(context.Context) ([]Document, error) {
		return buildKustomize(dir)
	}}
}

func buildKustomize(dir string) ([]Document, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fs := originFS{FileSystem: filesys.MakeFsOnDisk(), root: abs}
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, abs)
	if err != nil {
		return nil, fmt.Errorf("%s: kustomize build: %w", dir, err)
	}
	var docs []Document
	lines := map[string][]Document{} // origin file → its documents
	for _, r := range rm.Resources() {
		origin, err := r.GetOrigin()
		if err != nil {
			return nil, fmt.Errorf("%s: kustomize origin of %s: %w", dir, r.CurId(), err)
		}
		if err := r.SetOrigin(nil); err != nil {
			return nil, err
		}
		data, err := r.AsYAML()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", dir, r.CurId(), err)
		}
		doc := Document{File: filepath.ToSlash(filepath.Join(dir, rootKustomization(fs, abs))), Line: 1, Rendered: true, Data: data}
		if origin != nil && origin.Path != "" && origin.Repo == "" && origin.ConfiguredIn == "" {
			file := filepath.Join(abs, origin.Path)
			doc.File = filepath.ToSlash(filepath.Join(dir, origin.Path))
			if _, ok := lines[file]; !ok {
				b, err := fs.ReadFile(file)
				if err == nil {
					lines[file] = SplitDocuments(file, b)
				}
			}
			doc.Line = objectLine(lines[file], r)
		} else if origin != nil && origin.ConfiguredIn != "" { // generated: point at its generator
			doc.File = filepath.ToSlash(filepath.Join(dir, origin.ConfiguredIn))
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// objectLine finds where r began in its origin file: the document of r's kind whose name
// is r's name, else the longest one contained in it (a namePrefix or nameSuffix changed it),
// else the first of its kind, else the file's first document.
func objectLine(docs []Document, r *resource.Resource) int {
	kind, name := r.GetKind(), r.GetName()
	best, bestLen := 0, -1
	for _, d := range docs {
		var m struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if yaml.Unmarshal(d.Data, &m) != nil || m.Kind != kind {
			continue
		}
		n := m.Metadata.Name
		switch {
		case n == name:
			return d.Line
		case strings.Contains(name, n) && len(n) > bestLen:
			best, bestLen = d.Line, len(n)
		case best == 0:
			best = d.Line
		}
	}
	if best > 0 {
		return best
	}
	if len(docs) > 0 {
		return docs[0].Line
	}
	return 1
}

// rootKustomization is the name of the kustomization file in root.
func rootKustomization(fs filesys.FileSystem, root string) string {
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		if fs.Exists(filepath.Join(root, n)) {
			return n
		}
	}
	return konfig.DefaultKustomizationFileName()
}

// originFS is the disk, except that the root kustomization asks the build to record each
// object's origin (buildMetadata: [originAnnotations]); nothing is written.
type originFS struct {
	filesys.FileSystem
	root string
}

func (f originFS) ReadFile(path string) ([]byte, error) {
	b, err := f.FileSystem.ReadFile(path)
	if err != nil || filepath.Dir(path) != f.root || !slices.Contains(konfig.RecognizedKustomizationFileNames(), filepath.Base(path)) {
		return b, err
	}
	var k map[string]any
	if err := yaml.Unmarshal(b, &k); err != nil || k == nil {
		return b, nil // kustomize reports the error itself
	}
	meta, _ := k["buildMetadata"].([]any)
	if slices.Contains(meta, any("originAnnotations")) {
		return b, nil
	}
	k["buildMetadata"] = append(meta, "originAnnotations")
	return yaml.Marshal(k)
}
