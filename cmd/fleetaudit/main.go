// Command fleetaudit audits a fleet of Kubernetes clusters for policy, cost and upgrade
// readiness. Each subcommand lives in its own file; this is the only package that exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, documented in README.md.
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

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error)
}

func commands() []command {
	return []command{
		{"audit", "audit the fleet (kubeconfig contexts, a snapshot, or --demo) and print findings", runAudit},
		{"report", "write a fleet report (HTML, Markdown, JSON, JUnit, CSV, PolicyReport) into a history folder", runReport},
		{"snapshot", "collect each cluster's facts into a folder for offline audits", runSnapshot},
		{"serve", "audit on an interval; serve metrics, health and the gate (HTTP, Cluster API hook, admission webhook)", runServe},
		{"gate", "decide per cluster whether a ClusterProfile upgrade may proceed (exit 1 if any is denied)", runGate},
		{"dashboards", "write the Grafana dashboards (JSON) into -o DIR", runDashboards},
		{"profile", "profile validate FILE: check a ClusterProfile document", runProfile},
		{"rbac", "rbac who-can VERB RESOURCE [-n NS]: who may do it, across the fleet", runRBAC},
		{"rules", "list the rules, or run Rego unit tests (rules test [DIR...])", runRules},
		{"config", "config validate FILE: check a config file (YAML of flag values)", runConfig},
		{"completion", "completion bash|zsh: print a shell completion script", runCompletion},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		code, err := c.run(ctx, args[1:], stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		if err != nil {
			fmt.Fprintf(stderr, "fleetaudit %s: %v\n", c.name, err)
			var ue usageError
			if errors.As(err, &ue) {
				return exitUsage
			}
			if code == exitOK {
				code = exitUsage
			}
		}
		return code
	}
	fmt.Fprintf(stderr, "fleetaudit: unknown command %q (run fleetaudit help)\n", args[0])
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "fleetaudit audits a fleet of Kubernetes clusters for policy, cost and upgrade readiness.")
	fmt.Fprintln(w, "\nUsage: fleetaudit COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun fleetaudit COMMAND -h for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 clean, 1 finding at or above --fail-on, 2 bad usage or config, 3 a cluster could not be audited.")
}
