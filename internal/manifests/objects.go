package manifests

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// object is one Kubernetes object of a document (a List's item is an object of its own).
type object struct {
	// doc is the document the object was read from; line is the object's own first line in
	// doc.File (a List item's line, else the document's).
	doc  *Document
	line int
	// node is the object's mapping; its Line and Column count from doc.Line (see fileLine).
	node *yaml.Node
	gvk  schema.GroupVersionKind
	// namespace is metadata.namespace as written ("" when unset); name is metadata.name.
	namespace, name string
	// json is the object as JSON, for the typed decoder.
	json []byte
}

// fileLine is the line of doc's file that line n of the document's text is.
func fileLine(doc *Document, n int) int { return doc.Line + n - 1 }

// parseDocument parses one document into its objects, expanding List kinds (kind List and
// every kind ending in "List", such as PodList) into their items. An error names the file and
// line and says how to fix it; the objects read before it are returned with it.
func parseDocument(doc *Document) ([]object, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc.Data, &root); err != nil {
		return nil, syntaxError(doc, err)
	}
	if root.Kind == 0 || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		return nil, nil // comments only
	}
	n := &root
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	return objectsOf(doc, n, "")
}

// objectsOf reads the object at n, or the items of a List at n. where names n in errors
// ("item 3 of the List at line 4: ") when it is an item.
func objectsOf(doc *Document, n *yaml.Node, where string) ([]object, error) {
	line := fileLine(doc, n.Line)
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: %snot a Kubernetes object (a %s, not a mapping with apiVersion and kind): fix the YAML or remove the document",
			doc.File, line, where, nodeKind(n))
	}
	apiVersion, kind := scalar(n, "apiVersion"), scalar(n, "kind")
	if apiVersion == "" || kind == "" {
		return nil, fmt.Errorf("%s:%d: %sobject without apiVersion and kind: add both (e.g. apiVersion: apps/v1, kind: Deployment), or remove the document if it is not a Kubernetes object",
			doc.File, line, where)
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %sapiVersion %q: %v: write GROUP/VERSION (apps/v1) or VERSION for the core group (v1)", doc.File, line, where, apiVersion, err)
	}
	if items := mapValue(n, "items"); isList(kind) && items != nil {
		if items.Kind != yaml.SequenceNode && !(items.Kind == yaml.ScalarNode && items.Tag == "!!null") {
			return nil, fmt.Errorf("%s:%d: %s%s: items is not a list: write items as a YAML list of objects", doc.File, fileLine(doc, items.Line), where, kind)
		}
		var out []object
		var errs []error
		for i, it := range items.Content {
			objs, err := objectsOf(doc, it, fmt.Sprintf("item %d of the %s at line %d: ", i+1, kind, line))
			out = append(out, objs...)
			errs = append(errs, err)
		}
		return out, errors.Join(errs...)
	}
	o := object{doc: doc, line: line, node: n, gvk: gv.WithKind(kind)}
	if meta := mapValue(n, "metadata"); meta != nil {
		o.namespace, o.name = scalar(meta, "namespace"), scalar(meta, "name")
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s:%d: %s%v", doc.File, line, where, err)
	}
	if o.json, err = json.Marshal(jsonable(v)); err != nil {
		return nil, fmt.Errorf("%s:%d: %s%s %s cannot be converted to JSON: %v", doc.File, line, where, kind, o.name, err)
	}
	return []object{o}, nil
}

// isList reports whether kind is a List kind: List, or a kind such as PodList.
func isList(kind string) bool { return strings.HasSuffix(kind, "List") }

// jsonable turns what yaml.v3 decodes (maps with non-string keys) into what encoding/json
// encodes.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
	}
	return v
}

// mapValue is the value of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// scalar is the string value of key in mapping n, or "".
func scalar(n *yaml.Node, key string) string {
	if v := mapValue(n, key); v != nil && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		return v.Value
	}
	return ""
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar " + strconv.Quote(n.Value)
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// syntaxError turns a YAML parser error into "file:line: invalid YAML: …", the line counted
// in the file (the parser counts in the document).
func syntaxError(doc *Document, err error) error {
	msg := err.Error()
	line := doc.Line
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1])
			line = fileLine(doc, n)
		}
		msg = msg[len(m[0]):]
	}
	return fmt.Errorf("%s:%d: invalid YAML: %s: fix the syntax there (indentation, a missing \":\" or quote, tabs)", doc.File, line, msg)
}
