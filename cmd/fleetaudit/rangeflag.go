package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// A numeric flag's allowed range lives with the flag, like an enum's values (enumflag.go):
// its Set checks the value, so a bad value on the command line or in a --config file stops
// the command, and config validate runs the same check on the file (configValues → Check)
// without running a command. The range also goes into the config JSON Schema.

// checker is a flag value that can check a value without setting it.
type checker interface {
	pflag.Value
	Check(s string) error
}

type number interface{ ~int | ~int64 | ~float64 }

// bounds is a range: lo and/or hi, each inclusive or exclusive.
type bounds[T number] struct {
	lo, hi         T
	hasLo, hasHi   bool
	loOpen, hiOpen bool
}

func atLeast[T number](lo T) bounds[T] { return bounds[T]{lo: lo, hasLo: true} }
func above[T number](lo T) bounds[T]   { return bounds[T]{lo: lo, hasLo: true, loOpen: true} }

// between is [lo, hi], or [lo, hi) when hiOpen.
func between[T number](lo, hi T, hiOpen bool) bounds[T] {
	return bounds[T]{lo: lo, hi: hi, hasLo: true, hasHi: true, hiOpen: hiOpen}
}

func (b bounds[T]) contains(x T) bool {
	switch {
	case b.hasLo && (x < b.lo || (b.loOpen && x == b.lo)):
		return false
	case b.hasHi && (x > b.hi || (b.hiOpen && x == b.hi)):
		return false
	}
	return true
}

// rangeValue is a numeric flag (int, int64, float64 or duration) that accepts only values
// within its bounds.
type rangeValue[T number] struct {
	p      *T
	typ    string // the pflag type it replaces: int, int64, float64, duration
	what   string // "an integer", "a number", "a duration"
	parse  func(string) (T, error)
	format func(T) string
	b      bounds[T]
}

func (v *rangeValue[T]) String() string { return v.format(*v.p) }
func (v *rangeValue[T]) Type() string   { return v.typ }

func (v *rangeValue[T]) Set(s string) error {
	x, err := v.check(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

// Check checks s as Set does, without setting it.
func (v *rangeValue[T]) Check(s string) error {
	_, err := v.check(s)
	return err
}

func (v *rangeValue[T]) check(s string) (T, error) {
	x, err := v.parse(s)
	if err != nil {
		return x, fmt.Errorf("%q is not %s", s, v.what)
	}
	if !v.b.contains(x) {
		return x, fmt.Errorf("%s is out of range: want %s", s, v.Range())
	}
	return x, nil
}

// Range says which values the flag accepts: "an integer >= 1", "a number in [0, 1)".
func (v *rangeValue[T]) Range() string {
	b := v.b
	switch {
	case b.hasLo && b.hasHi:
		l, r := "[", "]"
		if b.loOpen {
			l = "("
		}
		if b.hiOpen {
			r = ")"
		}
		return fmt.Sprintf("%s in %s%s, %s%s", v.what, l, v.format(b.lo), v.format(b.hi), r)
	case b.hasLo && b.loOpen:
		return fmt.Sprintf("%s > %s", v.what, v.format(b.lo))
	case b.hasLo:
		return fmt.Sprintf("%s >= %s", v.what, v.format(b.lo))
	}
	return v.what
}

// schema is the range as JSON Schema keywords (numbers only: a duration is a string).
func (v *rangeValue[T]) schema() map[string]any {
	if v.typ == "duration" {
		return nil
	}
	out := map[string]any{}
	switch {
	case v.b.hasLo && v.b.loOpen:
		out["exclusiveMinimum"] = v.b.lo
	case v.b.hasLo:
		out["minimum"] = v.b.lo
	}
	switch {
	case v.b.hasHi && v.b.hiOpen:
		out["exclusiveMaximum"] = v.b.hi
	case v.b.hasHi:
		out["maximum"] = v.b.hi
	}
	return out
}

// intFlag, int64Flag, floatFlag and durationFlag set *p to def and return its flag value;
// register it with fs.Var. They format values as pflag's own types do.
func intFlag(p *int, def int, b bounds[int]) *rangeValue[int] {
	*p = def
	return &rangeValue[int]{p: p, typ: "int", what: "an integer", b: b, format: strconv.Itoa,
		parse: func(s string) (int, error) { n, err := strconv.ParseInt(s, 0, 0); return int(n), err }}
}

func int64Flag(p *int64, def int64, b bounds[int64]) *rangeValue[int64] {
	*p = def
	return &rangeValue[int64]{p: p, typ: "int64", what: "an integer", b: b,
		format: func(n int64) string { return strconv.FormatInt(n, 10) },
		parse:  func(s string) (int64, error) { return strconv.ParseInt(s, 0, 64) }}
}

func floatFlag(p *float64, def float64, b bounds[float64]) *rangeValue[float64] {
	*p = def
	return &rangeValue[float64]{p: p, typ: "float64", what: "a number", b: b,
		format: func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) },
		parse: func(s string) (float64, error) {
			f, err := strconv.ParseFloat(s, 64)
			if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
				err = errors.New("not a finite number")
			}
			return f, err
		}}
}

func durationFlag(p *time.Duration, def time.Duration, b bounds[time.Duration]) *rangeValue[time.Duration] {
	*p = def
	return &rangeValue[time.Duration]{p: p, typ: "duration", what: "a duration", b: b,
		format: time.Duration.String, parse: time.ParseDuration}
}
