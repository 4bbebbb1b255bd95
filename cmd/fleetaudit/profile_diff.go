package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// historyEntry is one version in `profile history`: what changed from the one before.
type historyEntry struct {
	Version           string `json:"version"`
	KubernetesVersion string `json:"kubernetesVersion"`
	File              string `json:"file"`
	// Changes is Diff on one line ("first version" for the oldest).
	Changes string `json:"changes"`
	// Diff is from the previous version; nil for the oldest.
	Diff *profile.Diff `json:"diff,omitempty"`
}

// history is `profile history -o json`.
type history struct {
	Profile  string         `json:"profile"`
	Versions []historyEntry `json:"versions"` // oldest first
}

func newProfileHistoryCmd(c *cli) *cobra.Command {
	var (
		cf     catalogFlag
		output string
	)
	cmd := &cobra.Command{
		Use:   "history NAME",
		Short: "Every version of a profile, oldest first, with what changed from the version before",
		Example: `  fleetaudit profile history platform-standard --catalog profiles/
  fleetaudit profile history platform-standard --catalog profiles/ -o json`,
		Args: cobra.ExactArgs(1),
		RunE: c.runE(func(_ *cobra.Command, args []string) (int, error) {
			cat, err := cf.load("")
			if err != nil {
				return exitUsage, err
			}
			name := args[0]
			if strings.Contains(name, "@") {
				return exitUsage, usagef("history takes a profile name, not %s (use profile diff to compare two versions)", name)
			}
			if _, err := cat.Resolve(name); err != nil {
				return exitUsage, usageError{err}
			}
			h := history{Profile: name}
			var prev *profile.Profile
			for _, p := range cat.Versions(name) {
				e := historyEntry{Version: p.Spec.Version, KubernetesVersion: p.Spec.KubernetesVersion, File: p.File, Changes: "first version"}
				if prev != nil {
					d := profile.Compare(prev, p)
					e.Diff, e.Changes = &d, d.Summary()
				}
				h.Versions = append(h.Versions, e)
				prev = p
			}
			if output != "table" {
				return writeOrFail(c.stdout, output, h)
			}
			tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tKUBERNETES\tFILE\tCHANGES")
			for _, e := range h.Versions {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Version, e.KubernetesVersion, e.File, e.Changes)
			}
			return exitOK, tw.Flush()
		}),
	}
	cf.register(cmd)
	registerOutput(cmd, &output, documentFormats)
	return cmd
}

func newProfileDiffCmd(c *cli) *cobra.Command {
	var (
		cf     catalogFlag
		output string
	)
	cmd := &cobra.Command{
		Use:   "diff FROM TO",
		Short: "What changes between two profile versions: Kubernetes, layers, requirements, selector",
		Long: `Compare two profiles of a catalog, each given as name@version or as a name (its newest
version): the Kubernetes move (and whether it skips a minor, which the gate never allows in one
step), layers added, removed and changed field by field, requirements and selector changes.
The JSON form is profile.Diff.`,
		Example: `  fleetaudit profile diff platform-standard@3.2.0 platform-standard@3.3.0 --catalog profiles/
  fleetaudit profile diff platform-standard@3.1.0 platform-standard --catalog profiles/ -o json`,
		Args: cobra.ExactArgs(2),
		RunE: c.runE(func(_ *cobra.Command, args []string) (int, error) {
			cat, err := cf.load("")
			if err != nil {
				return exitUsage, err
			}
			var ps [2]*profile.Profile
			for i, ref := range args {
				if ps[i], err = cat.Resolve(ref); err != nil {
					return exitUsage, usageError{err}
				}
			}
			d := profile.Compare(ps[0], ps[1])
			if output != "table" {
				return writeOrFail(c.stdout, output, d)
			}
			return exitOK, writeDiffTable(c.stdout, d)
		}),
	}
	cf.register(cmd)
	registerOutput(cmd, &output, documentFormats)
	return cmd
}

// writeDiffTable writes a title line, then one row per changed field.
func writeDiffTable(w io.Writer, d profile.Diff) error {
	fmt.Fprintf(w, "%s → %s: %s\n", d.From, d.To, d.Summary())
	if d.Empty() {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nCHANGE\tLAYER\tFIELD\tFROM\tTO")
	row := func(change, layer, field, from, to string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", change, dash(layer), dash(field), dash(from), dash(to))
	}
	if k := d.Kubernetes; k != nil {
		to := k.To
		if k.SkipsMinors {
			to += fmt.Sprintf(" (%d minors: the gate allows one per upgrade)", k.Minors)
		}
		row("kubernetes", "", "kubernetesVersion", k.From, to)
	}
	for _, l := range d.LayersAdded {
		row("layer added", l.Name, "", "", layerText(l))
	}
	for _, l := range d.LayersRemoved {
		row("layer removed", l.Name, "", layerText(l), "")
	}
	for _, l := range d.LayersChanged {
		for _, f := range l.Changes {
			row("layer changed", l.Name, f.Field, f.From, f.To)
		}
	}
	for _, f := range d.Requirements {
		row("requirement", "", f.Field, f.From, f.To)
	}
	if s := d.Selector; s != nil {
		for _, g := range s.Added {
			row("selector", "", "clusters", "", g)
		}
		for _, g := range s.Removed {
			row("selector", "", "clusters", g, "")
		}
	}
	return tw.Flush()
}

func layerText(l profile.Layer) string {
	s := fmt.Sprintf("%s %s %s", l.Type, l.Chart.Name, l.Chart.Version)
	if l.Kubernetes != "" {
		s += " for " + l.Kubernetes
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
