package facts

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Facts paths name the parts of a Cluster document by their JSON names: every top-level
// field ("nodes", "usage", …), except that "rbac" and "observability" are split into their
// fields ("rbac.roles", "observability.prometheus", …) because their parts are collected at
// different times or by different collectors (the ServiceAccounts' use needs the pod LIST,
// the roles and bindings do not; Prometheus is queried only when one is configured).
//
// Rules declare the paths they read (METADATA custom.reads) and see only those; collectors
// declare a path final once nothing will write it again, so a live audit can evaluate the
// rules that read only final paths while it still collects the rest.

// PresetPaths are set when a cluster's document is created, before any collector runs, and
// never written again.
var PresetPaths = []string{"schemaVersion", "name", "server", "collectedAt"}

// split lists the top-level fields whose own fields are paths.
var split = []string{"rbac", "observability"}

type pathField struct {
	path      string
	index     []int // field index in Cluster, then in the split field's struct
	omitEmpty bool
}

var pathFields = sync.OnceValue(func() []pathField {
	var out []pathField
	ct := reflect.TypeFor[Cluster]()
	for _, f := range jsonFields(ct) {
		if !slices.Contains(split, f.path) {
			out = append(out, f)
			continue
		}
		st := ct.FieldByIndex(f.index).Type
		for st.Kind() == reflect.Pointer {
			st = st.Elem()
		}
		for _, sub := range jsonFields(st) {
			sub.path = f.path + "." + sub.path
			sub.index = append(slices.Clone(f.index), sub.index...)
			out = append(out, sub)
		}
	}
	return out
})

func jsonFields(t reflect.Type) []pathField {
	fs, _ := JSONFields(t)
	out := make([]pathField, len(fs))
	for i, f := range fs {
		out[i] = pathField{path: f.Name, index: []int{f.Index}, omitEmpty: f.OmitEmpty}
	}
	return out
}

// JSONField is a struct field as encoding/json writes it.
type JSONField struct {
	Name      string
	Index     int
	OmitEmpty bool
}

type jsonStruct struct {
	fields []JSONField
	plain  bool
}

var jsonStructs sync.Map // reflect.Type → jsonStruct

// JSONFields lists the fields of struct type t that encoding/json writes, by their JSON
// names. plain is false when t has an embedded field or a ",string" or ",omitzero" option,
// which the list does not describe (the facts types have none).
func JSONFields(t reflect.Type) (fields []JSONField, plain bool) {
	if js, ok := jsonStructs.Load(t); ok {
		return js.(jsonStruct).fields, js.(jsonStruct).plain
	}
	js := jsonStruct{plain: true}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		o := strings.Split(opts, ",")
		if f.Anonymous || slices.Contains(o, "string") || slices.Contains(o, "omitzero") {
			js.plain = false
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		js.fields = append(js.fields, JSONField{Name: name, Index: i, OmitEmpty: slices.Contains(o, "omitempty")})
	}
	jsonStructs.Store(t, js)
	return js.fields, js.plain
}

// Paths lists every facts path, in document order.
func Paths() []string {
	fs := pathFields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.path
	}
	return out
}

// ExpandPaths resolves declared paths to facts paths: a split field's name ("rbac") stands
// for all of its paths. An unknown name is an error that lists the known ones.
func ExpandPaths(declared []string) ([]string, error) {
	out := []string{}
	for _, d := range declared {
		found := false
		for _, p := range Paths() {
			if p == d || strings.HasPrefix(p, d+".") {
				out = append(out, p)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown facts path %q (known: %s)", d, strings.Join(Paths(), ", "))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// PathValue returns the value at a facts path as encoding/json would write it, and whether
// the document has it at all (false when the field, or the split field holding it, is
// omitted: a nil pointer, or an empty omitempty field).
func (c *Cluster) PathValue(path string) (any, bool) {
	for _, f := range pathFields() {
		if f.path != path {
			continue
		}
		v := reflect.ValueOf(c).Elem()
		for i, idx := range f.index {
			if i > 0 {
				if v.IsNil() {
					return nil, false // the split field (e.g. rbac) is absent
				}
				v = v.Elem()
			}
			v = v.Field(idx)
		}
		if f.omitEmpty && OmitEmpty(v) {
			return nil, false
		}
		return v.Interface(), true
	}
	return nil, false
}

// OmitEmpty is encoding/json's omitempty test: whether a field holding v is left out.
func OmitEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
