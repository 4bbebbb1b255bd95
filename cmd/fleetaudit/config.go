package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// configKeys are the flags a config file (--config FILE) may set, with their kind. A key sets
// the flag of that name in every command that has it; flags on the command line win. -o, -n,
// --demo and --config itself are per invocation and not configurable. A test checks this
// table against the commands' flags.
var configKeys = map[string]string{
	"all-contexts": "bool", "burst": "int", "cis": "list", "cis-benchmark": "string", "cis-config-dir": "string",
	"cis-job-image": "string", "cis-job-namespace": "string", "cis-job-timeout": "duration", "cis-targets": "string",
	"cluster-name": "string", "context": "list", "cpu-ram-price-ratio": "float", "explain": "bool", "fail-on": "string",
	"format": "string", "helm-releases": "bool", "in-cluster": "bool", "interval": "duration", "jitter": "float",
	"keep": "int", "keep-for": "duration", "kubeconfig": "string", "listen": "string", "log-format": "string",
	"log-level": "string", "page-size": "int", "params": "string", "prices": "string", "profile": "list",
	"prometheus-cluster-label": "string", "prometheus-url": "list", "qps": "float", "removed-apis": "list",
	"report-dir": "string", "report-format": "string", "report-keep": "int", "report-keep-for": "duration",
	"report-schedule": "string", "reservations": "string", "rules": "list", "snapshot": "string",
	"spot-fallback-discount": "float", "spot-label": "list", "timeout": "duration", "tls-cert": "string",
	"tls-key": "string", "tls-listen": "string", "usage-window": "duration", "workers": "int",
}

// loadConfig reads a config file: a YAML mapping of flag names to values. Every key and value
// is checked; errors name the file and the key.
func loadConfig(path string) (map[string][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	out := map[string][]string{}
	for _, key := range slices.Sorted(mapKeys(doc)) {
		kind, ok := configKeys[key]
		if !ok {
			return nil, fmt.Errorf("%s: unknown key %q (keys are flag names, e.g. kubeconfig, timeout, cis; see fleetaudit COMMAND -h)", path, key)
		}
		var vals []string
		if l, isList := doc[key].([]any); isList {
			if kind != "list" {
				return nil, fmt.Errorf("%s: %s: want one value, not a list", path, key)
			}
			for _, v := range l {
				vals = append(vals, fmt.Sprint(v))
			}
		} else {
			vals = []string{fmt.Sprint(doc[key])}
		}
		for _, v := range vals {
			if err := checkKind(kind, v); err != nil {
				return nil, fmt.Errorf("%s: %s: %v", path, key, err)
			}
		}
		out[key] = vals
	}
	return out, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func checkKind(kind, v string) error {
	var err error
	switch kind {
	case "bool":
		_, err = strconv.ParseBool(v)
	case "int":
		_, err = strconv.Atoi(v)
	case "float":
		_, err = strconv.ParseFloat(v, 64)
	case "duration":
		_, err = time.ParseDuration(v)
	}
	if err != nil {
		return fmt.Errorf("%q is not a %s", v, kind)
	}
	return nil
}

// applyConfig sets, from --config, the flags of fs that the command line did not set.
func applyConfig(fs *flag.FlagSet) error {
	path := fs.Lookup("config").Value.String()
	if path == "" {
		return nil
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return usageError{err}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for key, vals := range cfg {
		if fs.Lookup(key) == nil || set[key] {
			continue // not this command's flag, or the command line wins
		}
		for _, v := range vals {
			if err := fs.Set(key, v); err != nil {
				return usagef("%s: %s: %v", path, key, err)
			}
		}
	}
	return nil
}

func runConfig(_ context.Context, args []string, stdout, _ io.Writer) (int, error) {
	if len(args) != 2 || args[0] != "validate" {
		return exitUsage, usagef("want: config validate FILE")
	}
	cfg, err := loadConfig(args[1])
	if err != nil {
		return exitUsage, usageError{err}
	}
	fmt.Fprintf(stdout, "%s: valid (%d keys: %s)\n", args[1], len(cfg), strings.Join(slices.Sorted(mapKeys(cfg)), ", "))
	return exitOK, nil
}
