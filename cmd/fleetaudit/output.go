package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"
)

// registerOutput adds -o/--output, the output format, one of formats.
func registerOutput(cmd *cobra.Command, p *string, formats []string) {
	addFlags(cmd, groupOutput, func(fs *pflag.FlagSet) {
		enumVarP(fs, p, "output", "o", "table", formats, "output format")
	})
}

// writeDocument writes a JSON document as JSON (indented) or YAML (the same document).
func writeDocument(w io.Writer, format string, writeJSON func(io.Writer) error) error {
	if format != "yaml" {
		return writeJSON(w)
	}
	var b bytes.Buffer
	if err := writeJSON(&b); err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(b.Bytes())
	if err != nil {
		return fmt.Errorf("convert to YAML: %w", err)
	}
	_, err = w.Write(y)
	return err
}

// indentedJSON writes v as indented JSON.
func indentedJSON(v any) func(io.Writer) error {
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
}

// outputDir is --output-dir, the folder report, snapshot and dashboards write into. Their
// -o DIR of earlier releases still works for one release, with a warning: -o is to mean the
// output format everywhere, as in kubectl. pflag's MarkShorthandDeprecated is not used
// because cobra prints its notice to the command's stdout, where it would mix with the
// output; the warning here goes to stderr.
type outputDir struct {
	dir, legacy string
}

func (o *outputDir) register(cmd *cobra.Command, usage string) {
	addFlags(cmd, groupOutput, func(fs *pflag.FlagSet) {
		fs.StringVar(&o.dir, "output-dir", "", usage)
		fs.StringVarP(&o.legacy, "output", "o", "", "deprecated: use --output-dir")
		_ = fs.MarkHidden("output")
	})
	_ = cmd.MarkFlagDirname("output-dir")
}

// resolve returns the folder, warning on stderr when it came from the deprecated -o.
func (o *outputDir) resolve(cmd *cobra.Command, stderr io.Writer) (string, error) {
	if cmd.Flags().Changed("output") {
		if cmd.Flags().Changed("output-dir") {
			return "", usagef("-o DIR and --output-dir both given; use --output-dir")
		}
		fmt.Fprintf(stderr, "Warning: %s -o DIR is deprecated and will mean the output format in the next release; use --output-dir DIR\n", cmd.CommandPath())
		o.dir = o.legacy
	}
	if o.dir == "" {
		return "", usagef("--output-dir DIR is required")
	}
	return o.dir, nil
}
