// Command fleetaudit audits a fleet of Kubernetes clusters for policy, cost and upgrade
// readiness. The command tree is spf13/cobra, built afresh for every invocation by
// newRootCmd; each subcommand lives in its own file; this is the only package that exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, documented in README.md and docs/cli.md.
const (
	exitOK         = 0 // clean: no finding at or above --fail-on, every cluster audited
	exitFindings   = 1 // a finding at or above --fail-on (or a gate denied)
	exitUsage      = 2 // bad usage or configuration (flags, kubeconfig, rules, files)
	exitIncomplete = 3 // at least one cluster could not be (fully) audited
)

// usageError marks errors that are the user's input (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// cli is one invocation: its context, where output goes, and the exit code the command
// that ran chose. Commands get it from newRootCmd, so no state outlives the invocation.
type cli struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	code           int
}

// runE adapts a command body that returns (exit code, error) to cobra's RunE.
func (c *cli) runE(fn func(cmd *cobra.Command, args []string) (int, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		code, err := fn(cmd, args)
		c.code = code
		return err
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line, with the process's standard input, and returns the exit
// code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWithStdin(ctx, args, os.Stdin, stdout, stderr)
}

// runWithStdin is run reading stdin (audit --manifests -).
func runWithStdin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(c)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return c.code
	}
	name := "fleetaudit"
	if cmd != nil && cmd != root {
		name = cmd.CommandPath()
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	var ue usageError
	if errors.As(err, &ue) || c.code == exitOK {
		return exitUsage // flag and argument errors come from cobra without a code
	}
	return c.code
}

// newRootCmd builds the whole command tree for one invocation.
func newRootCmd(c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:   "fleetaudit",
		Short: "Audit a fleet of Kubernetes clusters for policy, cost and upgrade readiness",
		Long: `fleetaudit audits a fleet of Kubernetes clusters for policy, cost and upgrade readiness:
it collects facts from every context of your kubeconfig in parallel, evaluates Rego rules on
them, and reports findings per cluster, with exit codes a pipeline can gate on.

Exit codes: 0 clean, 1 finding at or above --fail-on (or a gate denied), 2 bad usage or
config, 3 a cluster could not be audited.`,
		Example: `  fleetaudit audit --demo                     # the embedded demo fleet
  fleetaudit audit --context prod -o json     # one context, JSON
  kubectl fleetaudit audit                    # the same, as a krew plugin`,
		SilenceUsage:       true,
		SilenceErrors:      true,
		DisableSuggestions: true, // unknownCommand suggests on the error's one line
		Args:               unknownCommand,
		RunE: c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
			cmd.SetOut(c.stderr) // no command: usage on stderr, exit 2
			_ = cmd.Help()
			return exitUsage, nil
		}),
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	if strings.HasPrefix(filepath.Base(os.Args[0]), "kubectl-") {
		// Run by kubectl as a plugin (krew): help and errors say "kubectl fleetaudit".
		root.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl fleetaudit"}
	}
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	root.SetContext(c.ctx)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().String("config", "", "YAML file of flag values (keys are flag names); flags on the command line win")
	setGroup(root.PersistentFlags().Lookup("config"), groupGlobal)
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml", "json")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return applyConfig(cmd) }
	root.AddCommand(
		newAuditCmd(c), newReportCmd(c), newSnapshotCmd(c), newShardsCmd(c), newMergeCmd(c), newServeCmd(c), newGateCmd(c), newPlanCmd(c),
		newDashboardsCmd(c), newProfileCmd(c), newRBACCmd(c), newRulesCmd(c), newConfigCmd(c),
		newCompletionCmd(c), newVersionCmd(c),
	)
	registerEnumCompletions(root)
	setGroupedUsage(root)
	return root
}

// unknownCommand rejects an argument that names no subcommand, on one line with a
// suggestion, for the root and for command groups (rules, rbac, profile, config).
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only where it suggests itself
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usagef("%s (run %s --help)", msg, cmd.CommandPath())
}

// groupCmd is a command that only holds subcommands: run bare, it is a usage error.
func groupCmd(c *cli, use, short, example string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use: use, Short: short, Example: example,
		Args: unknownCommand,
		RunE: c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
			var names []string
			for _, s := range cmd.Commands() {
				if s.IsAvailableCommand() {
					names = append(names, s.Name())
				}
			}
			return exitUsage, usagef("want a subcommand: %s %s", cmd.CommandPath(), strings.Join(names, "|"))
		}),
	}
	cmd.AddCommand(subs...)
	return cmd
}
