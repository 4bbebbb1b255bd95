package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// catalogEnv names the catalog when neither a path argument nor --catalog (or the config
// file's catalog key) does.
const catalogEnv = "FLEETAUDIT_CATALOG"

func newProfileCmd(c *cli) *cobra.Command {
	return groupCmd(c, "profile", "Validate, list and compare the versions of ClusterProfiles in a catalog", `  fleetaudit profile validate profiles/
  fleetaudit profile list profiles/
  fleetaudit profile history platform-standard --catalog profiles/
  fleetaudit profile diff platform-standard@3.2.0 platform-standard@3.3.0 --catalog profiles/`,
		newProfileValidateCmd(c), newProfileListCmd(c), newProfileHistoryCmd(c), newProfileDiffCmd(c), newProfileCheckCmd(c))
}

// catalogFlag is --catalog DIR, with $FLEETAUDIT_CATALOG as its fallback.
type catalogFlag struct{ path string }

func (f *catalogFlag) register(cmd *cobra.Command) {
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringVar(&f.path, "catalog", "", "folder (or file) of ClusterProfile versions (default $"+catalogEnv+")")
	})
	_ = cmd.MarkFlagDirname("catalog")
}

// load reads the catalog at arg (a positional path, "" for none), else --catalog (which a
// config file may set), else $FLEETAUDIT_CATALOG. A catalog with errors is a usage error
// listing them.
func (f *catalogFlag) load(arg string) (*profile.Catalog, error) {
	path := arg
	if path == "" {
		path = f.path
	}
	if path == "" {
		path = os.Getenv(catalogEnv)
	}
	if path == "" {
		return nil, usagef("no catalog: give --catalog DIR (a folder of ClusterProfile files) or set $%s", catalogEnv)
	}
	cat, err := profile.LoadCatalog(path)
	if err != nil {
		return nil, usagef("%w (fleetaudit profile validate %s lists every problem)", err, path)
	}
	return cat, nil
}

// profileSummary is one profile of a catalog: what validate and list print.
type profileSummary struct {
	Name     string   `json:"name"`
	Versions []string `json:"versions"` // oldest first
	Latest   string   `json:"latest"`
	// KubernetesVersion, Layers and File are the latest version's.
	KubernetesVersion string   `json:"kubernetesVersion"`
	Layers            []string `json:"layers"`
	File              string   `json:"file"`
}

func summarize(cat *profile.Catalog) []profileSummary {
	var out []profileSummary
	for _, name := range cat.Names() {
		latest := cat.Latest(name)
		s := profileSummary{Name: name, Latest: latest.Spec.Version, KubernetesVersion: latest.Spec.KubernetesVersion, File: latest.File, Layers: []string{}}
		for _, p := range cat.Versions(name) {
			s.Versions = append(s.Versions, p.Spec.Version)
		}
		for _, l := range latest.Spec.Layers {
			s.Layers = append(s.Layers, l.Name)
		}
		out = append(out, s)
	}
	return out
}

// validateResult is `profile validate -o json`.
type validateResult struct {
	Valid    bool              `json:"valid"`
	Profiles []profileSummary  `json:"profiles,omitempty"`
	Errors   []profile.Problem `json:"errors,omitempty"`
	Warnings []profile.Problem `json:"warnings,omitempty"`
}

func newProfileValidateCmd(c *cli) *cobra.Command {
	var (
		output string
		strict bool
	)
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check a catalog of ClusterProfiles: every document, and the versions of each profile together",
		Long: `Check a catalog: the files and folders given (folders are searched for *.yaml and *.yml)
are read as one catalog. Errors (exit 2, every one listed): a document that is not a valid
ClusterProfile, a non-profile or empty YAML file, the same name@version twice, a newer
version that targets an older Kubernetes minor. Warnings (exit 0; --strict: exit 2): a layer
whose supported range excludes the profile's own Kubernetes version, a move of more than one
minor between consecutive versions, a patch move back.`,
		Example: `  fleetaudit profile validate profiles/
  fleetaudit profile validate examples/profiles/platform-1.34.yaml
  fleetaudit profile validate --strict -o json profiles/`,
		Args: cobra.MinimumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: c.runE(func(_ *cobra.Command, paths []string) (int, error) {
			return validateCatalog(c, paths, strict, output)
		}),
	}
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.BoolVar(&strict, "strict", false, "treat profile catalog warnings as errors (exit 2)")
	})
	registerOutput(cmd, &output, documentFormats)
	return cmd
}

func validateCatalog(c *cli, paths []string, strict bool, output string) (int, error) {
	var res validateResult
	cat, err := profile.LoadCatalogPaths(paths)
	var ce *profile.CatalogError
	switch {
	case errors.As(err, &ce):
		res.Errors = ce.Problems
	case err != nil:
		return exitUsage, usageError{err}
	default:
		res.Profiles, res.Warnings = summarize(cat), cat.Warnings()
		if strict {
			res.Errors, res.Warnings = res.Warnings, nil
		}
	}
	res.Valid = len(res.Errors) == 0
	if output != "table" {
		if err := writeDocument(c.stdout, output, indentedJSON(res)); err != nil {
			return exitUsage, fmt.Errorf("write output: %w", err)
		}
	} else {
		for _, w := range res.Warnings {
			fmt.Fprintf(c.stderr, "warning: %s\n", w)
		}
		for _, s := range res.Profiles {
			fmt.Fprintf(c.stdout, "%s is valid: %s (%s); latest %s targets Kubernetes %s with %s\n",
				s.Name, plural(len(s.Versions), "version"), strings.Join(s.Versions, ", "), s.Latest, s.KubernetesVersion, plural(len(s.Layers), "layer"))
		}
	}
	if !res.Valid {
		if output != "table" {
			return exitUsage, usagef("%s in the profile catalog", plural(len(res.Errors), "problem"))
		}
		return exitUsage, usageError{&profile.CatalogError{Problems: res.Errors}}
	}
	return exitOK, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func newProfileListCmd(c *cli) *cobra.Command {
	var (
		cf     catalogFlag
		output string
	)
	cmd := &cobra.Command{
		Use:   "list [DIR]",
		Short: "List the profiles of a catalog: versions, the latest one, its Kubernetes version and layers",
		Example: `  fleetaudit profile list profiles/
  FLEETAUDIT_CATALOG=profiles/ fleetaudit profile list -o json`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: c.runE(func(_ *cobra.Command, args []string) (int, error) {
			cat, err := cf.load(strings.Join(args, ""))
			if err != nil {
				return exitUsage, err
			}
			rows := summarize(cat)
			if output != "table" {
				return writeOrFail(c.stdout, output, rows)
			}
			tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVERSIONS\tLATEST\tKUBERNETES\tLAYERS")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", r.Name, len(r.Versions), r.Latest, r.KubernetesVersion, strings.Join(r.Layers, ","))
			}
			return exitOK, tw.Flush()
		}),
	}
	cf.register(cmd)
	registerOutput(cmd, &output, documentFormats)
	return cmd
}

// writeOrFail writes v as the JSON or YAML document.
func writeOrFail(w io.Writer, format string, v any) (int, error) {
	if err := writeDocument(w, format, indentedJSON(v)); err != nil {
		return exitUsage, fmt.Errorf("write output: %w", err)
	}
	return exitOK, nil
}
