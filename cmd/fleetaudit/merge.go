package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/reports"
)

func newMergeCmd(c *cli) *cobra.Command {
	var (
		output string
		out    string
		rep    reportFlags
	)
	cmd := &cobra.Command{
		Use:   "merge PART.json...",
		Short: "Merge the reports of a sharded fleet's parts (audit --shard I/N -o json) into one",
		Long: `Merge the JSON reports of the parts of a sharded audit (audit --shard I/N -o json, or a
report folder's report.json of report --shard I/N) into one report of the same schema as
audit -o json, printed in the -o format or, with --output-dir, written into a history folder
as report does. The parts must come from one run: the same rules, the same number of shards,
no cluster or shard twice. Shards with no part are listed as missing (shards.missing) and
the merged audit is incomplete: exit 3.`,
		Example: `  fleetaudit audit --snapshot facts/ --shard 0/2 -o json > part-0.json
  fleetaudit audit --snapshot facts/ --shard 1/2 -o json > part-1.json
  fleetaudit merge part-0.json part-1.json
  fleetaudit merge parts/*.json -o json > fleet.json
  fleetaudit merge parts/*.json --output-dir reports/`,
		Args: cobra.MinimumNArgs(1),
	}
	registerOutput(cmd, &output, reports.FormatNames(false))
	addFlags(cmd, groupOutput, func(fs *pflag.FlagSet) {
		fs.StringVar(&out, "output-dir", "", "write the merged report into a dated folder of this history, as report does (formats: --format)")
		rep.register(fs, "")
	})
	_ = cmd.MarkFlagDirname("output-dir")
	cmd.RunE = c.runE(func(cmd *cobra.Command, args []string) (int, error) {
		if out != "" {
			if cmd.Flags().Changed("output") {
				return exitUsage, usagef("-o and --output-dir both given: -o prints one format, --output-dir writes --format into a history folder")
			}
			return reportFrom(cmd, args, rep, out, c.stdout)
		}
		r, err := mergeParts(args)
		if err != nil {
			return exitUsage, err
		}
		var b bytes.Buffer // nothing is written unless all of it renders
		if err := reports.Write(&b, r, output); err != nil {
			return exitUsage, fmt.Errorf("write output: %w", err)
		}
		if _, err := io.Copy(c.stdout, &b); err != nil {
			return exitUsage, fmt.Errorf("write output: %w", err)
		}
		return mergedExitCode(r), nil
	})
	return cmd
}

// mergeParts reads the part files and merges them; every error is the user's input.
func mergeParts(files []string) (*reports.Report, error) {
	parts := make([]reports.Part, 0, len(files))
	for _, f := range files {
		p, err := reports.ReadPart(f)
		if err != nil {
			return nil, usageError{err}
		}
		parts = append(parts, p)
	}
	r, err := reports.Merge(parts)
	if err != nil {
		return nil, usageError{err}
	}
	return r, nil
}

// mergedExitCode: a missing shard or a cluster not fully audited makes the merge
// incomplete (3), as a cluster that could not be audited makes audit's.
func mergedExitCode(r *reports.Report) int {
	if !r.Shards.Complete() || r.Summary.Incomplete+r.Summary.Failed > 0 {
		return exitIncomplete
	}
	return exitOK
}

// reportFrom writes the merged report of the part files into the history folder dir.
func reportFrom(cmd *cobra.Command, files []string, rep reportFlags, dir string, stdout io.Writer) (int, error) {
	for _, name := range []string{"demo", "snapshot", "context", "manifests", "helm-chart", "kustomize", "shard", "shards", "baseline", "profile",
		"rules", "params", "waivers", "namespace", "notify"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return exitUsage, usagef("--%s and merged parts cannot be combined: the parts were audited already", name)
		}
	}
	formats, err := rep.list()
	if err != nil {
		return exitUsage, err
	}
	r, err := mergeParts(files)
	if err != nil {
		return exitUsage, err
	}
	run, err := reports.History{Dir: dir, Keep: rep.keep, KeepFor: rep.keepFor}.Write(r, formats)
	if err != nil {
		return exitUsage, fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s report of %d merged parts to %s (index: %s/index.html)\n", strings.Join(formats, ", "), len(files), run, dir)
	return mergedExitCode(r), nil
}
