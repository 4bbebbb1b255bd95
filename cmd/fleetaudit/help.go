package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Flag groups, in the order help prints them. cobra has no flag groups in help, so each
// flag carries its group in an annotation and groupedUsage prints one section per group.
const (
	groupCluster    = "Cluster selection"
	groupCollection = "Collection"
	groupRules      = "Rules"
	groupCost       = "Cost"
	groupCIS        = "CIS"
	groupServe      = "Serving"
	groupOutput     = "Output"
	groupLogging    = "Logging"
	groupOther      = "Flags"
	groupGlobal     = "Global flags"
)

var flagGroups = []string{groupCluster, groupCollection, groupRules, groupCost, groupCIS, groupServe, groupOutput, groupLogging, groupOther}

// groupAnnotation is the pflag annotation key that holds a flag's help group.
const groupAnnotation = "fleetaudit.io/group"

// addFlags registers the flags that add defines into cmd's flags, all in one help group.
func addFlags(cmd *cobra.Command, group string, add func(fs *pflag.FlagSet)) {
	fs := pflag.NewFlagSet(group, pflag.ContinueOnError)
	add(fs)
	fs.VisitAll(func(f *pflag.Flag) { setGroup(f, group) })
	cmd.Flags().AddFlagSet(fs)
}

func setGroup(f *pflag.Flag, group string) {
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[groupAnnotation] = []string{group}
}

func flagGroup(f *pflag.Flag) string {
	if g := f.Annotations[groupAnnotation]; len(g) == 1 {
		return g[0]
	}
	return groupOther
}

// setGroupedUsage makes every command of the tree print its flags by group.
func setGroupedUsage(root *cobra.Command) {
	root.SetUsageFunc(func(cmd *cobra.Command) error { return groupedUsage(cmd.OutOrStderr(), cmd) })
}

// groupedUsage writes the usage line, examples, subcommands and the flags in sections.
func groupedUsage(w io.Writer, cmd *cobra.Command) error {
	var b strings.Builder
	b.WriteString("Usage:\n")
	if cmd.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "  %s COMMAND [flags]\n", cmd.CommandPath())
	} else {
		fmt.Fprintf(&b, "  %s\n", cmd.UseLine())
	}
	if cmd.Example != "" {
		fmt.Fprintf(&b, "\nExamples:\n%s\n", strings.TrimRight(cmd.Example, "\n"))
	}
	if cmd.HasAvailableSubCommands() {
		b.WriteString("\nCommands:\n")
		for _, s := range cmd.Commands() {
			if s.IsAvailableCommand() {
				fmt.Fprintf(&b, "  %-*s %s\n", s.NamePadding(), s.Name(), s.Short)
			}
		}
	}
	sections := map[string]*pflag.FlagSet{}
	section := func(g string) *pflag.FlagSet {
		if sections[g] == nil {
			sections[g] = pflag.NewFlagSet(g, pflag.ContinueOnError)
			sections[g].SortFlags = false
		}
		return sections[g]
	}
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" || cmd.InheritedFlags().Lookup(f.Name) != nil {
			return
		}
		section(flagGroup(f)).AddFlag(f)
	})
	cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) { section(groupGlobal).AddFlag(f) })
	if h := cmd.Flags().Lookup("help"); h != nil {
		section(groupGlobal).AddFlag(h)
	}
	for _, g := range append(flagGroups, groupGlobal) {
		if fs := sections[g]; fs != nil && fs.HasAvailableFlags() {
			fmt.Fprintf(&b, "\n%s:\n%s", g, fs.FlagUsagesWrapped(110))
		}
	}
	if cmd.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\nRun \"%s COMMAND --help\" for a command's flags.\n", cmd.CommandPath())
	}
	_, err := io.WriteString(w, b.String())
	return err
}
