// Package yamlfile reads the YAML (or JSON) files a user hands fleetaudit — config, params,
// profiles, price tables, removed-API tables — in one way: strict decoding into Go types, and
// errors that name the file and line of the offending key ("prices.yaml:7: unknown field
// \"spotprice\"") so the user can fix it without guessing.
package yamlfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// Error is a problem at a place in a file. Line is 0 when unknown.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errorf builds an Error at file:line.
func Errorf(file string, line int, format string, a ...any) error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, a...)}
}

// Doc is a parsed document that remembers where each key is.
type Doc struct {
	name string
	raw  []byte
	root *yamlv3.Node
}

// Parse parses one YAML document (JSON is YAML). A file with a second document is an error:
// it would be silently ignored otherwise.
func Parse(name string, b []byte) (*Doc, error) {
	d := &Doc{name: name, raw: b}
	dec := yamlv3.NewDecoder(bytes.NewReader(b))
	var n yamlv3.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return d, nil // empty document
		}
		return nil, syntaxError(name, err)
	}
	if n.Kind == yamlv3.DocumentNode && len(n.Content) == 1 {
		d.root = n.Content[0]
	}
	var extra yamlv3.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errorf(name, extra.Line, "a second YAML document; this file must hold exactly one: put each document in a file of its own")
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(name, err)
	}
	return d, nil
}

// Read reads path and decodes it strictly into v (see Doc.Decode).
func Read(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	d, err := Parse(path, b)
	if err != nil {
		return err
	}
	return d.Decode(v)
}

// Name is the file name the document was parsed from.
func (d *Doc) Name() string { return d.name }

// Empty reports whether the document holds nothing.
func (d *Doc) Empty() bool { return d.root == nil }

// Decode decodes the document into v through its JSON form (so json tags apply), rejecting
// fields v does not have; an error names the line of the offending key when it can be found.
func (d *Doc) Decode(v any) error {
	if d.root == nil {
		return nil
	}
	if path, line := unknownKey(d.root, reflect.TypeOf(v), ""); path != "" {
		return Errorf(d.name, line, "unknown field %q (a typo?)", path)
	}
	// sigs.k8s.io/yaml converts scalars by the target's field types (version: 1.2 into a
	// string field is "1.2"), as Kubernetes tools do.
	if err := yaml.UnmarshalStrict(d.raw, v); err != nil {
		return d.decodeError(err)
	}
	return nil
}

// Line is the line of the value at path (keys of nested mappings, or decimal list indexes),
// or of the nearest ancestor that exists; 0 for an empty document.
func (d *Doc) Line(path ...string) int {
	n := d.root
	if n == nil {
		return 0
	}
	line := n.Line
	for _, p := range path {
		key, val := child(n, p)
		if val == nil {
			return line
		}
		n, line = val, key.Line
	}
	return line
}

// child is the key and value node of key in a mapping, or the element of a sequence.
func child(n *yamlv3.Node, key string) (k, v *yamlv3.Node) {
	switch n.Kind {
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i], n.Content[i+1]
			}
		}
	case yamlv3.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i]
		}
	}
	return nil, nil
}

// findKey is the line of the first mapping key named key, searching by the dotted path
// encoding/json reports (list indexes are not part of it, so every element is searched).
func findKey(n *yamlv3.Node, path []string) int {
	if n == nil || len(path) == 0 {
		return 0
	}
	switch n.Kind {
	case yamlv3.SequenceNode:
		for _, e := range n.Content {
			if l := findKey(e, path); l > 0 {
				return l
			}
		}
	case yamlv3.MappingNode:
		k, v := child(n, path[0])
		if k == nil {
			return 0
		}
		if len(path) == 1 {
			return k.Line
		}
		return findKey(v, path[1:])
	}
	return 0
}

// anyKey is the line of the first mapping key named key anywhere in the tree.
func anyKey(n *yamlv3.Node, key string) int {
	if n == nil {
		return 0
	}
	if n.Kind == yamlv3.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	for _, c := range n.Content {
		if l := anyKey(c, key); l > 0 {
			return l
		}
	}
	return 0
}

var (
	typeErr      = regexp.MustCompile(`cannot unmarshal (\w+) into Go (?:struct field \w+\.(\S+)|value) of type (\S+)`)
	unknownField = regexp.MustCompile(`unknown field "(.*)"`)
)

// decodeError turns a decoding error into an Error at the line of the key it is about.
func (d *Doc) decodeError(err error) error {
	msg := err.Error()
	if m := typeErr.FindStringSubmatch(msg); m != nil {
		field := m[2]
		if field == "" {
			return Errorf(d.name, d.root.Line, "cannot use a %s here, want %s", m[1], jsonType(m[3]))
		}
		return Errorf(d.name, findKey(d.root, strings.Split(field, ".")), "%s: cannot use a %s here, want %s", field, m[1], jsonType(m[3]))
	}
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		return Errorf(d.name, anyKey(d.root, m[1]), "unknown field %q", m[1])
	}
	if strings.Contains(msg, "converting YAML to JSON") {
		return syntaxError(d.name, err)
	}
	msg = strings.TrimPrefix(msg, "error unmarshaling JSON: while decoding JSON: ")
	return &Error{File: d.name, Msg: strings.TrimPrefix(msg, "json: ")}
}

// jsonType names a Go type as a YAML user knows it.
func jsonType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.Contains(goType, "."):
		return "a mapping"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return "a " + goType
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// syntaxError keeps the YAML parser's line.
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		return Errorf(name, line, "%s", "invalid YAML: "+msg[:m[0]]+msg[m[1]:])
	}
	return Errorf(name, 0, "invalid YAML: %s", msg)
}

// unknownKey finds the first key (in document order) that type t has no field for, as a
// dotted path with list indexes ("spec.layers[0].versoin"), and its line.
func unknownKey(n *yamlv3.Node, t reflect.Type, path string) (string, int) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil || t == nil {
		return "", 0
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yamlv3.MappingNode {
			return "", 0
		}
		fields := jsonFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			p := k
			if path != "" {
				p = path + "." + k
			}
			ft, ok := fields[k]
			if !ok {
				return p, n.Content[i].Line
			}
			if up, line := unknownKey(n.Content[i+1], ft, p); up != "" {
				return up, line
			}
		}
	case reflect.Map:
		if n.Kind != yamlv3.MappingNode {
			return "", 0
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if up, line := unknownKey(n.Content[i+1], t.Elem(), path+"."+n.Content[i].Value); up != "" {
				return up, line
			}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yamlv3.SequenceNode {
			return "", 0
		}
		for i, e := range n.Content {
			if up, line := unknownKey(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); up != "" {
				return up, line
			}
		}
	}
	return "", 0
}

// jsonFields maps the JSON names of t's fields (embedded structs flattened) to their types.
// A type that decodes itself (json.Unmarshaler) is not looked into.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		ft := f.Type
		if reflect.PointerTo(ft).Implements(unmarshaler) || ft.Implements(unmarshaler) {
			ft = nil // decodes itself
		}
		out[name] = ft
	}
	return out
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// Merge deep-merges src over dst, as layered YAML documents combine (defaults, then a user's
// file): mappings merge key by key, anything else replaces.
func Merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				Merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}
