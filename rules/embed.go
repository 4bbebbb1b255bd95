// Package rules embeds fleetaudit's Rego rules and their default data document.
//
// Layout: one folder per area (compliance, quota, cost, upgrade) plus lib for shared helpers;
// each rule is a package in its own file beside its _test.rego. params.json holds every
// threshold the rules read (data.fleetaudit.params), so users tune them without editing Rego.
package rules

import "embed"

// FS holds every .rego file, tests included (the engine filters them out at load time).
//
//go:embed */*.rego
var FS embed.FS

// DefaultParams is the default data document, seen by rules as data.fleetaudit.params.
//
//go:embed params.json
var DefaultParams []byte
