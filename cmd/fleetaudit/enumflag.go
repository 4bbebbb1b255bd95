package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
)

// The allowed values of the enum-valued flags. Each list is the one place its values are
// declared: Set validates with it, and help text, shell completion, config validation and
// the config JSON Schema read it from the flag.
var (
	// documentFormats are the formats of -o for a command's own document (gate, who-can);
	// audit's come from the report registry (reports.FormatNames).
	documentFormats = []string{"table", "json", "yaml"}
	logFormats      = []string{"text", "json"}
	logLevels       = []string{"debug", "info", "warn", "error"}
)

// failOnValues are the severities, least severe first, then none.
func failOnValues() []string {
	var out []string
	for _, s := range policy.Severities {
		out = append(out, string(s))
	}
	return append(out, "none")
}

// enumerated is a flag value with a fixed set of allowed values.
type enumerated interface {
	pflag.Value
	Allowed() []string
}

// enumValue is a string flag that accepts only its allowed values.
type enumValue struct {
	p       *string
	allowed []string
}

func (e *enumValue) String() string    { return *e.p }
func (e *enumValue) Type() string      { return "string" }
func (e *enumValue) Allowed() []string { return e.allowed }
func (e *enumValue) Set(v string) error {
	if err := e.Check(v); err != nil {
		return err
	}
	*e.p = v
	return nil
}

// Check checks v as Set does (config validate calls it).
func (e *enumValue) Check(v string) error {
	if !slices.Contains(e.allowed, v) {
		return notOneOf(v, e.allowed)
	}
	return nil
}

// enumListValue is a comma-separated, repeatable list of allowed values, like pflag's
// StringSlice: the first Set replaces the default, later ones append.
type enumListValue struct {
	p       *[]string
	allowed []string
	changed bool
}

func (e *enumListValue) String() string    { return strings.Join(*e.p, ",") }
func (e *enumListValue) Type() string      { return "strings" }
func (e *enumListValue) Allowed() []string { return e.allowed }
func (e *enumListValue) Set(v string) error {
	vals, err := e.parse(v)
	if err != nil {
		return err
	}
	if !e.changed {
		*e.p, e.changed = nil, true
	}
	*e.p = append(*e.p, vals...)
	return nil
}

// Check checks v as Set does (config validate calls it).
func (e *enumListValue) Check(v string) error {
	_, err := e.parse(v)
	return err
}

func (e *enumListValue) parse(v string) ([]string, error) {
	var vals []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(e.allowed, s) {
			return nil, notOneOf(s, e.allowed)
		}
		vals = append(vals, s)
	}
	return vals, nil
}

func notOneOf(v string, allowed []string) error {
	return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
}

// enumVarP defines a string flag restricted to allowed; its usage lists them.
func enumVarP(fs *pflag.FlagSet, p *string, name, short, def string, allowed []string, usage string) {
	*p = def
	fs.VarP(&enumValue{p: p, allowed: allowed}, name, short, usage+" ("+strings.Join(allowed, "|")+")")
}

// enumListVar defines a comma-separated list flag restricted to allowed.
func enumListVar(fs *pflag.FlagSet, p *[]string, name string, def, allowed []string, usage string) {
	*p = slices.Clone(def)
	fs.Var(&enumListValue{p: p, allowed: allowed}, name, usage+" (comma-separated: "+strings.Join(allowed, ", ")+")")
}

// reportFormatValues are the formats a report folder can hold (the report registry).
func reportFormatValues() []string { return reports.FormatNames(true) }

// registerEnumCompletions completes every enum flag of the tree with its allowed values.
func registerEnumCompletions(root *cobra.Command) {
	walk(root, func(cmd *cobra.Command) {
		cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			e, ok := f.Value.(enumerated)
			if !ok {
				return
			}
			_ = cmd.RegisterFlagCompletionFunc(f.Name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return e.Allowed(), cobra.ShellCompDirectiveNoFileComp
			})
		})
	})
}

// walk calls fn on cmd and every command below it.
func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, s := range cmd.Commands() {
		walk(s, fn)
	}
}
