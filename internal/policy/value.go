package policy

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// toTerm converts a JSON-ready Go value to the Rego term of its JSON encoding. Structs (by
// their json tags), maps with string keys, slices, strings, booleans, integers and pointers
// are converted directly, which is several times cheaper than encoding JSON and parsing it
// again; anything else (floats, types with their own MarshalJSON or MarshalText, such as
// time.Time) goes through encoding/json, so the result is always what the JSON would give.
func toTerm(v any) (*ast.Term, error) {
	return valueTerm(reflect.ValueOf(v))
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func valueTerm(v reflect.Value) (*ast.Term, error) {
	if !v.IsValid() {
		return ast.NullTerm(), nil
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		(t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonMarshaler)) {
		return viaJSON(v)
	}
	switch t.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			return viaJSON(v) // encoding/json replaces each invalid byte
		}
		return ast.StringTerm(v.String()), nil
	case reflect.Bool:
		return ast.BooleanTerm(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.NumberTerm(json.Number(strconv.FormatInt(v.Int(), 10))), nil
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.NumberTerm(json.Number(strconv.FormatUint(v.Uint(), 10))), nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		return valueTerm(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return viaJSON(v) // []byte is base64 in JSON
		}
		fallthrough
	case reflect.Array:
		elems := make([]*ast.Term, v.Len())
		for i := range elems {
			e, err := valueTerm(v.Index(i))
			if err != nil {
				return nil, err
			}
			elems[i] = e
		}
		return ast.ArrayTerm(elems...), nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return viaJSON(v)
		}
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		items := make([][2]*ast.Term, 0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			e, err := valueTerm(iter.Value())
			if err != nil {
				return nil, err
			}
			items = append(items, [2]*ast.Term{ast.StringTerm(iter.Key().String()), e})
		}
		return ast.ObjectTerm(items...), nil
	case reflect.Struct:
		fields, ok := structFields(t)
		if !ok {
			return viaJSON(v)
		}
		items := make([][2]*ast.Term, 0, len(fields))
		for _, f := range fields {
			fv := v.Field(f.index)
			if f.omitEmpty && isEmptyValue(fv) {
				continue
			}
			e, err := valueTerm(fv)
			if err != nil {
				return nil, err
			}
			items = append(items, [2]*ast.Term{ast.StringTerm(f.name), e})
		}
		return ast.ObjectTerm(items...), nil
	}
	return viaJSON(v)
}

func viaJSON(v reflect.Value) (*ast.Term, error) {
	x := v.Interface()
	if v.CanAddr() {
		x = v.Addr().Interface() // as encoding/json does, for pointer-receiver marshalers
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	val, err := ast.ValueFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(val), nil
}

type structField struct {
	name      string
	index     int
	omitEmpty bool
}

type structInfo struct {
	fields []structField
	ok     bool
}

var fieldCache sync.Map // reflect.Type → structInfo

// structFields lists a struct's JSON fields. Embedded fields and the ",string" and
// ",omitzero" options are not used by the facts types: for a struct with any of them, ok is
// false and the struct is converted through encoding/json.
func structFields(t reflect.Type) ([]structField, bool) {
	if info, ok := fieldCache.Load(t); ok {
		return info.(structInfo).fields, info.(structInfo).ok
	}
	info := structInfo{ok: true}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		o := strings.Split(opts, ",")
		if f.Anonymous || slices.Contains(o, "string") || slices.Contains(o, "omitzero") {
			info.ok = false
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		info.fields = append(info.fields, structField{name: name, index: i, omitEmpty: slices.Contains(o, "omitempty")})
	}
	fieldCache.Store(t, info)
	return info.fields, info.ok
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
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
