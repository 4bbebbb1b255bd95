package manifests

import (
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// locator finds where the objects of an input are written. It keeps, per object, its
// document and the YAML node tree it was parsed from (not a Secret's: only its line), so
// that a finding's field path resolves to the field's line and column.
type locator struct {
	mu      sync.RWMutex
	objects map[objectKey]*placed
	// byNamespace is the first object (in file order) of each namespace, where a finding
	// about a namespace that no file declares is placed.
	byNamespace map[string]*placed
	// subjects are the subjects of role bindings (a ServiceAccount, User or Group no file
	// declares), placed at the first binding's subject entry that names them.
	subjects map[objectKey]*placed
}

type objectKey struct{ kind, namespace, name string }

type placed struct {
	doc  *Document
	line int
	node *yaml.Node // nil for Secrets
}

func newLocator() *locator {
	return &locator{objects: map[objectKey]*placed{}, byNamespace: map[string]*placed{}, subjects: map[objectKey]*placed{}}
}

// add records an object at its effective namespace.
func (l *locator) add(o *object, namespace string) {
	p := &placed{doc: o.doc, line: o.line, node: o.node}
	if o.gvk.Group == "" && o.gvk.Kind == "Secret" {
		p.node = nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.objects[objectKey{o.gvk.Kind, namespace, o.name}] = p
	if namespace != "" && l.byNamespace[namespace] == nil {
		l.byNamespace[namespace] = p
	}
	if o.gvk.Group == rbacGroup && (o.gvk.Kind == "RoleBinding" || o.gvk.Kind == "ClusterRoleBinding") {
		if subs := mapValue(o.node, "subjects"); subs != nil && subs.Kind == yaml.SequenceNode {
			for _, it := range subs.Content {
				kind, ns := scalar(it, "kind"), scalar(it, "namespace")
				if kind == "ServiceAccount" && ns == "" {
					ns = namespace
				} else if kind != "ServiceAccount" {
					ns = ""
				}
				key := objectKey{kind, ns, scalar(it, "name")}
				if l.subjects[key] == nil {
					l.subjects[key] = &placed{doc: o.doc, line: fileLine(o.doc, it.Line)}
				}
			}
		}
	}
}

const rbacGroup = "rbac.authorization.k8s.io"

// Locate is fleet.Job.Locate: the place of the finding's object, or of the field its
// FieldPath names, or of the nearest ancestor of that field the file has; nil when no
// object of the input is the finding's resource. A Namespace no file declares is placed at
// the first object in it.
func (l *locator) Locate(ref policy.ResourceRef) *policy.Location {
	l.mu.RLock()
	p := l.objects[objectKey{ref.Kind, ref.Namespace, ref.Name}]
	if p == nil && ref.Kind == "Namespace" && ref.Namespace == "" {
		p = l.byNamespace[ref.Name]
		ref.FieldPath = "metadata.namespace"
	}
	if p == nil {
		p = l.subjects[objectKey{ref.Kind, ref.Namespace, ref.Name}]
	}
	l.mu.RUnlock()
	if p == nil {
		return nil
	}
	loc := &policy.Location{File: p.doc.File, Line: p.line, Rendered: p.doc.Rendered}
	// A rendered document's text is not its file's (a template, a base a patch changed):
	// only the object's own line is known there, not its fields'.
	if ref.FieldPath != "" && p.node != nil && !p.doc.Rendered {
		if n := resolve(p.node, ref.FieldPath); n != nil {
			loc.Line, loc.Column = fileLine(p.doc, n.Line), n.Column
		}
	}
	return loc
}

// resolve follows a field path ("spec.template.spec.containers[name=app].securityContext",
// "spec.volumes[0]") from the object's mapping and returns the node of the deepest part the
// document has: a mapping key's node for a field, an item's node for a list selector; nil
// when not even the first field is there.
func resolve(root *yaml.Node, path string) *yaml.Node {
	var found *yaml.Node
	n := root
	for _, seg := range splitPath(path) {
		key, sel, hasSel := strings.Cut(seg, "[")
		if key != "" {
			k, v := mapEntry(n, key)
			if k == nil {
				return found
			}
			found, n = k, v
		}
		if hasSel {
			item := selectItem(n, strings.TrimSuffix(sel, "]"))
			if item == nil {
				return found
			}
			found, n = item, item
		}
	}
	return found
}

// splitPath splits a field path at the dots outside brackets.
func splitPath(path string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '.':
			if depth == 0 {
				out = append(out, path[start:i])
				start = i + 1
			}
		}
	}
	return append(out, path[start:])
}

// mapEntry is the key and value nodes of key in mapping n.
func mapEntry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// selectItem is the item of sequence n that sel selects: an index ("0") or the item whose
// field equals a value ("name=app").
func selectItem(n *yaml.Node, sel string) *yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	if field, value, ok := strings.Cut(sel, "="); ok {
		for _, it := range n.Content {
			if _, v := mapEntry(it, field); v != nil && v.Kind == yaml.ScalarNode && v.Value == value {
				return it
			}
		}
		return nil
	}
	if i, err := strconv.Atoi(sel); err == nil && i >= 0 && i < len(n.Content) {
		return n.Content[i]
	}
	return nil
}
