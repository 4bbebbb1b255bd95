package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// schemaPath is where make generate writes the config file's JSON Schema.
const schemaPath = "docs/config.schema.json"

// durationPattern matches a Go duration as time.ParseDuration reads it ("90s", "1h30m").
const durationPattern = `^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$`

// configSchema is the JSON Schema (draft 2020-12) of a config file, generated from the
// flags: one property per config key with its type, allowed values or range, default and help.
func configSchema(keys map[string]configKey) ([]byte, error) {
	props := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		props[name] = keySchema(keys[name])
	}
	doc := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://github.com/fleetaudit/fleetaudit/blob/main/" + schemaPath,
		"title":                "fleetaudit config file",
		"description":          "Flag values for fleetaudit --config FILE, keyed by flag name; flags on the command line win. Generated from the flags by make generate; check a file with fleetaudit config validate FILE.",
		"type":                 "object",
		"additionalProperties": false,
		"properties":           props,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

// keySchema is one property: lists take one value or an array of them.
func keySchema(k configKey) map[string]any {
	s := map[string]any{"description": k.Usage}
	switch {
	case k.Kind == "list" && len(k.Allowed) > 0:
		alt := strings.Join(k.Allowed, "|")
		s["anyOf"] = []any{
			map[string]any{"type": "array", "items": map[string]any{"enum": k.Allowed}},
			map[string]any{"type": "string", "pattern": "^(" + alt + ")(,(" + alt + "))*$"},
		}
	case k.Kind == "list":
		s["type"] = []string{"array", "string"}
		s["items"] = map[string]any{"type": "string"}
	case len(k.Allowed) > 0:
		s["type"] = "string"
		s["enum"] = k.Allowed
	case k.Kind == "bool":
		s["type"] = "boolean"
	case k.Kind == "int":
		s["type"] = "integer"
	case k.Kind == "float":
		s["type"] = "number"
	case k.Kind == "duration":
		s["type"] = "string"
		s["pattern"] = durationPattern
	default:
		s["type"] = "string"
	}
	maps.Copy(s, k.Range)
	if d, ok := schemaDefault(k); ok {
		s["default"] = d
	}
	return s
}

// schemaDefault is the flag's default as a JSON value; empty defaults are left out.
func schemaDefault(k configKey) (any, bool) {
	d := k.Default
	switch k.Kind {
	case "bool":
		v, err := strconv.ParseBool(d)
		return v, err == nil
	case "int":
		v, err := strconv.ParseInt(d, 10, 64)
		return v, err == nil
	case "float":
		v, err := strconv.ParseFloat(d, 64)
		return v, err == nil
	case "duration":
		v, err := time.ParseDuration(d)
		return v.String(), err == nil
	case "list":
		d = strings.Trim(d, "[]")
		if d == "" {
			return nil, false
		}
		return strings.Split(d, ","), true
	}
	return d, d != ""
}
