package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// checkStrict scans a document that encoding/json decoded into a Cluster alongside the
// Cluster type: for what encoding/json lets through (a second document, keys that differ only
// in case, a key twice, unknown fields, null anywhere). It allocates nothing per value, so it
// costs less than the decoding itself.
func checkStrict(b []byte) error {
	s := &scanner{b: b}
	s.ws()
	if s.peek() != '{' {
		return s.errorf("not a facts document: want a JSON object {\"schemaVersion\": …}")
	}
	if err := s.value(reflect.TypeFor[Cluster](), nullNever); err != nil {
		return err
	}
	if s.ws(); s.pos < len(b) {
		return s.errorf("data after the end of the JSON document: a facts file holds exactly one document; remove everything after its closing }")
	}
	return nil
}

// How a value may be null.
type nullRule int

const (
	nullNever   nullRule = iota // a value: an object, a string, a number, a boolean
	nullOK                      // a list or map field without omitempty: fleetaudit writes null for nil
	nullOmitted                 // an omitempty field: fleetaudit leaves it out instead
	nullElement                 // a list element or map value
)

// scanner walks JSON bytes; path is the JSON path of the value being scanned, kept as a stack
// of segments and spelled out only for an error.
type scanner struct {
	b    []byte
	pos  int
	path []segment
}

type segment struct {
	key   []byte // a field name, or a map key when index is -2 (unescaped)
	index int    // a list index, or -1 for a field, -2 for a map key
}

func (s *scanner) push(seg segment) { s.path = append(s.path, seg) }
func (s *scanner) pop()             { s.path = s.path[:len(s.path)-1] }

func (s *scanner) pathString() string {
	var b strings.Builder
	for _, seg := range s.path {
		switch seg.index {
		case -1:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.Write(seg.key)
		case -2:
			b.WriteString("[" + strconv.Quote(string(seg.key)) + "]")
		default:
			b.WriteString("[" + strconv.Itoa(seg.index) + "]")
		}
	}
	return b.String()
}

func (s *scanner) errorf(format string, a ...any) error {
	return &DecodeError{Line: lineAt(s.b, int64(s.pos)), Path: s.pathString(), Msg: fmt.Sprintf(format, a...)}
}

func (s *scanner) ws() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	if s.pos < len(s.b) {
		return s.b[s.pos]
	}
	return 0
}

// expect consumes c after optional whitespace.
func (s *scanner) expect(c byte) error {
	if s.ws(); s.peek() != c {
		return s.errorf("invalid JSON: want %q", c)
	}
	s.pos++
	return nil
}

// value checks the value at the scanner's position, of Go type t.
func (s *scanner) value(t reflect.Type, rule nullRule) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s.ws()
	switch c := s.peek(); {
	case c == 'n':
		if err := s.null(t, rule); err != nil {
			return err
		}
		return s.literal()
	case c == '{' && t.Kind() == reflect.Struct && t != timeType:
		return s.object(t)
	case c == '{' && t.Kind() == reflect.Map:
		return s.mapValues(t)
	case c == '[' && t.Kind() == reflect.Slice:
		s.pos++
		if s.ws(); s.peek() == ']' {
			s.pos++
			return nil
		}
		for i := 0; ; i++ {
			s.push(segment{index: i})
			err := s.value(t.Elem(), nullElement)
			s.pop()
			if err != nil {
				return err
			}
			if s.ws(); s.peek() != ',' {
				return s.expect(']')
			}
			s.pos++
		}
	}
	return s.skip() // a scalar, or a type encoding/json already accepted
}

var timeType = reflect.TypeFor[time.Time]()

func (s *scanner) null(t reflect.Type, rule nullRule) error {
	switch rule {
	case nullOK:
		return nil
	case nullOmitted:
		return s.errorf("null is not allowed here: leave the field out when it has no value (fleetaudit never writes null here)")
	case nullElement:
		return s.errorf("null is not allowed here: want %s; remove the null", describe(t))
	}
	return s.errorf("null is not allowed here: want %s", describe(t))
}

// key reads an object key and the colon after it. The key is unescaped (a copy) only when
// it holds an escape.
func (s *scanner) key() ([]byte, error) {
	if s.ws(); s.peek() != '"' {
		return nil, s.errorf("invalid JSON: want a key")
	}
	start := s.pos
	if err := s.str(); err != nil {
		return nil, err
	}
	k := s.b[start+1 : s.pos-1]
	if bytes.IndexByte(k, '\\') >= 0 {
		var u string
		if err := json.Unmarshal(s.b[start:s.pos], &u); err != nil {
			return nil, s.errorf("invalid JSON: %v", err)
		}
		k = []byte(u)
	}
	return k, s.expect(':')
}

// object checks the fields of a JSON object of struct type t.
func (s *scanner) object(t reflect.Type) error {
	fields := fieldsOf(t)
	s.pos++ // {
	if s.ws(); s.peek() == '}' {
		s.pos++
		return nil
	}
	var seen uint64 // by field index; every facts struct has fewer than 64 fields (tested)
	for {
		s.ws()
		keyAt := s.pos
		k, err := s.key()
		if err != nil {
			return err
		}
		s.push(segment{key: k, index: -1})
		f, ok := fields.byName[string(k)]
		switch {
		case !ok:
			s.pos = keyAt
			msg := fmt.Sprintf("unknown field (fields here: %s)", strings.Join(fields.names, ", "))
			if name, ok := fields.byFold[strings.ToLower(string(k))]; ok {
				msg = fmt.Sprintf("unknown field: did you mean %q? (field names are case-sensitive)", name)
			}
			return s.errorf("%s", msg)
		case seen&(1<<f.Index) != 0:
			s.pos = keyAt
			return s.errorf("the field appears twice in one object: keep one")
		}
		seen |= 1 << f.Index
		ft := t.Field(f.Index).Type
		rule := nullNever
		switch {
		case f.OmitEmpty:
			rule = nullOmitted
		case ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map:
			rule = nullOK
		}
		if err := s.value(ft, rule); err != nil {
			return err
		}
		s.pop()
		if s.ws(); s.peek() != ',' {
			return s.expect('}')
		}
		s.pos++
	}
}

// mapValues checks a JSON object of map type t: each key once, each value of t's elements.
func (s *scanner) mapValues(t reflect.Type) error {
	s.pos++ // {
	if s.ws(); s.peek() == '}' {
		s.pos++
		return nil
	}
	seen := map[string]bool{}
	for {
		s.ws()
		keyAt := s.pos
		k, err := s.key()
		if err != nil {
			return err
		}
		s.push(segment{key: k, index: -2})
		if seen[string(k)] {
			s.pos = keyAt
			return s.errorf("the key appears twice in one object: keep one")
		}
		seen[string(k)] = true
		if err := s.value(t.Elem(), nullElement); err != nil {
			return err
		}
		s.pop()
		if s.ws(); s.peek() != ',' {
			return s.expect('}')
		}
		s.pos++
	}
}

// skip steps over one value of any type (encoding/json has checked its syntax).
func (s *scanner) skip() error {
	s.ws()
	switch s.peek() {
	case '"':
		return s.str()
	case '{', '[':
		depth := 0
		for s.pos < len(s.b) {
			switch s.b[s.pos] {
			case '"':
				if err := s.str(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.pos++
			if depth == 0 {
				return nil
			}
		}
		return s.errorf("invalid JSON: truncated document")
	}
	return s.literal()
}

// str steps over a string, escapes included.
func (s *scanner) str() error {
	for i := s.pos + 1; i < len(s.b); i++ {
		switch s.b[i] {
		case '\\':
			i++
		case '"':
			s.pos = i + 1
			return nil
		}
	}
	s.pos = len(s.b)
	return s.errorf("invalid JSON: truncated string")
}

// literal steps over a number, true, false or null.
func (s *scanner) literal() error {
	start := s.pos
	for s.pos < len(s.b) && strings.IndexByte(",:]} \t\r\n", s.b[s.pos]) < 0 {
		s.pos++
	}
	if s.pos == start {
		return s.errorf("invalid JSON: want a value")
	}
	return nil
}

// structFields indexes a struct type's JSON fields.
type structFields struct {
	byName map[string]JSONField
	byFold map[string]string // lower-case name → name, for "did you mean"
	names  []string
}

var fieldIndex sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if sf, ok := fieldIndex.Load(t); ok {
		return sf.(*structFields)
	}
	fs, _ := JSONFields(t)
	sf := &structFields{byName: map[string]JSONField{}, byFold: map[string]string{}}
	for _, f := range fs {
		sf.byName[f.Name] = f
		sf.byFold[strings.ToLower(f.Name)] = f.Name
		sf.names = append(sf.names, f.Name)
	}
	fieldIndex.Store(t, sf)
	return sf
}

// describe names what a value of type t looks like in JSON.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "a time such as \"2026-01-02T03:04:05Z\""
	case t.Kind() == reflect.Struct:
		return "an object (" + t.Name() + ")"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Map:
		return "an object"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	}
	return t.String()
}
