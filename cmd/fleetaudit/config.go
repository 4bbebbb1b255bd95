package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
)

// A config file (--config FILE) is a YAML mapping of flag names to values. A key sets the
// flag of that name in every command that has it; flags on the command line win. The keys
// are not listed anywhere: they are the flags of the command tree (configKeys), minus the
// ones that only make sense per invocation.
var perInvocationFlags = []string{"config", "help", "output", "output-dir", "namespace", "demo", "manifests", "helm-chart", "kustomize", "values", "set", "api-versions", "helm-release", "helm-namespace"}

// configKey is one configurable flag: its value kind, allowed values (enums) and help.
type configKey struct {
	Name    string
	Kind    string // bool, int, float, duration, string, list
	Allowed []string
	Usage   string
	Default string // the flag's default, as pflag prints it
	// Range is the JSON Schema range of a numeric flag (minimum, exclusiveMinimum, …).
	Range map[string]any
	// check is the flag value's own check (checker): what Set runs, so a file passes config
	// validate exactly when the commands accept its values.
	check func(string) error
}

// configKeys are the configurable flags of every command under root, by name. A flag that
// is a list in one command and a single value in another (--profile) is a list.
func configKeys(root *cobra.Command) map[string]configKey {
	keys := map[string]configKey{}
	walk(root, func(cmd *cobra.Command) {
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if slices.Contains(perInvocationFlags, f.Name) {
				return
			}
			k := configKey{Name: f.Name, Kind: flagKind(f.Value), Usage: f.Usage, Default: f.DefValue}
			if e, ok := f.Value.(enumerated); ok {
				k.Allowed = e.Allowed()
			}
			if c, ok := f.Value.(checker); ok {
				k.check = c.Check
			}
			if r, ok := f.Value.(interface{ schema() map[string]any }); ok {
				k.Range = r.schema()
			}
			if prev, ok := keys[f.Name]; ok {
				if prev.Kind == "list" || k.Kind != "list" {
					return
				}
				k.Usage = prev.Usage + "; a list where the flag is repeatable"
			}
			keys[f.Name] = k
		})
	})
	return keys
}

// flagKind is the config value kind of a pflag value type ("" for a type not handled).
func flagKind(v pflag.Value) string {
	switch t := v.Type(); t {
	case "bool", "int", "duration", "string":
		return t
	case "int64":
		return "int"
	case "float64":
		return "float"
	case "stringArray", "stringSlice", "strings":
		return "list"
	}
	return "" // a flag type with no config kind yet: TestConfigKeysHaveKinds fails

}

// configFile is a parsed config file: each key's values as strings, and where it is.
type configFile struct {
	path   string
	values map[string][]string
}

// loadConfig reads and checks a config file against keys: unknown keys, values of the
// wrong kind and values outside an enum are errors that name the file and line.
func loadConfig(path string, keys map[string]configKey) (*configFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	doc, err := yamlfile.Parse(path, b)
	if err != nil {
		return nil, err
	}
	var values map[string]any
	if err := doc.Decode(&values); err != nil {
		return nil, err
	}
	cf := &configFile{path: path, values: map[string][]string{}}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		k, ok := keys[name]
		if !ok {
			return nil, yamlfile.Errorf(path, doc.Line(name), "unknown key %q (keys are flag names, e.g. kubeconfig, timeout, cis; see fleetaudit COMMAND -h)", name)
		}
		vals, err := configValues(k, values[name])
		if err != nil {
			return nil, yamlfile.Errorf(path, doc.Line(name), "%s: %v", name, err)
		}
		cf.values[name] = vals
	}
	return cf, nil
}

// configValues checks one key's YAML value and returns it as flag values.
func configValues(k configKey, v any) ([]string, error) {
	var items []any
	switch v := v.(type) {
	case []any:
		if k.Kind != "list" {
			return nil, fmt.Errorf("want one value, not a list")
		}
		items = v
	case map[string]any:
		return nil, fmt.Errorf("want a value, not a mapping")
	default:
		items = []any{v}
	}
	var out []string
	for _, item := range items {
		s, err := scalarString(item)
		if err != nil {
			return nil, err
		}
		if err := checkValue(k, s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func scalarString(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case nil:
		return "", fmt.Errorf("want a value, got nothing")
	}
	return "", fmt.Errorf("want a single value, got %T", v)
}

// checkValue checks one value: with the flag's own check where it has one (enums, ranges),
// else against the key's kind.
func checkValue(k configKey, v string) error {
	if k.check != nil {
		return k.check(v)
	}
	var err error
	switch k.Kind {
	case "bool":
		_, err = strconv.ParseBool(v)
	case "int":
		_, err = strconv.ParseInt(v, 10, 64)
	case "float":
		_, err = strconv.ParseFloat(v, 64)
	case "duration":
		_, err = time.ParseDuration(v)
	}
	if err != nil {
		return fmt.Errorf("%q is not a %s", v, k.Kind)
	}
	return nil
}

// skipConfigAnnotation marks a command that reads --config itself (config validate).
const skipConfigAnnotation = "fleetaudit.io/reads-config-itself"

// applyConfig sets, from --config, the flags of cmd that the command line did not set.
func applyConfig(cmd *cobra.Command) error {
	f := cmd.Flags().Lookup("config")
	if f == nil || f.Value.String() == "" || cmd.Annotations[skipConfigAnnotation] != "" {
		return nil
	}
	cf, err := loadConfig(f.Value.String(), configKeys(cmd.Root()))
	if err != nil {
		return usageError{err}
	}
	for _, key := range slices.Sorted(maps.Keys(cf.values)) {
		fl := cmd.Flags().Lookup(key)
		if fl == nil || fl.Changed {
			continue // not this command's flag, or the command line wins
		}
		for _, v := range cf.values[key] {
			if err := cmd.Flags().Set(key, v); err != nil {
				return usagef("%s: %s: %v", cf.path, key, err)
			}
		}
	}
	return nil
}

func newConfigCmd(c *cli) *cobra.Command {
	validate := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a config file: every key a flag name, every value of the flag's kind",
		Example: `  fleetaudit config validate fleetaudit.yaml
  fleetaudit config validate --config fleetaudit.yaml`,
		Args:        cobra.MaximumNArgs(1),
		Annotations: map[string]string{skipConfigAnnotation: "true"},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml", "json"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: c.runE(func(cmd *cobra.Command, args []string) (int, error) {
			path, _ := cmd.Flags().GetString("config")
			switch {
			case len(args) == 1 && path != "" && args[0] != path:
				return exitUsage, usagef("two config files given (%s and --config %s); validate one", args[0], path)
			case len(args) == 1:
				path = args[0]
			case path == "":
				return exitUsage, usagef("want a FILE (config validate FILE, or --config FILE)")
			}
			cf, err := loadConfig(path, configKeys(cmd.Root()))
			if err != nil {
				return exitUsage, usageError{err}
			}
			fmt.Fprintf(c.stdout, "%s: valid (%d keys: %s)\n", path, len(cf.values), strings.Join(slices.Sorted(maps.Keys(cf.values)), ", "))
			return exitOK, nil
		}),
	}
	return groupCmd(c, "config", "Work with config files (YAML of flag values)", "  fleetaudit config validate fleetaudit.yaml", validate)
}
