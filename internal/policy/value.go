package policy

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/fleetaudit/fleetaudit/internal/facts"
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
		fields, plain := facts.JSONFields(t)
		if !plain {
			return viaJSON(v)
		}
		items := make([][2]*ast.Term, 0, len(fields))
		for _, f := range fields {
			fv := v.Field(f.Index)
			if f.OmitEmpty && facts.OmitEmpty(fv) {
				continue
			}
			e, err := valueTerm(fv)
			if err != nil {
				return nil, err
			}
			items = append(items, [2]*ast.Term{ast.StringTerm(f.Name), e})
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
