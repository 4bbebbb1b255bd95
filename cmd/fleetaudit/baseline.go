package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
)

// baselineFlags compare a run with an earlier report: --baseline FILE (audit, report) and,
// on audit, --fail-on-new SEVERITY.
type baselineFlags struct {
	file      string
	failOnNew string
}

func (b *baselineFlags) register(cmd *cobra.Command, failOnNew bool) {
	addFlags(cmd, groupRules, func(fs *pflag.FlagSet) {
		fs.StringVar(&b.file, "baseline", "", "earlier report (audit -o json, or report.json): mark each finding new or unchanged and list the resolved ones")
		if failOnNew {
			enumVarP(fs, &b.failOnNew, "fail-on-new", "", "none", failOnValues(), "with --baseline: exit 1 when a new finding (not waived) is at or above this severity")
		}
	})
	_ = cmd.MarkFlagFilename("baseline", "json")
}

// load reads the baseline (nil without --baseline) and the --fail-on-new threshold ("" for
// none). Bad input is a usage error: nothing is audited.
func (b *baselineFlags) load() (*reports.Report, policy.Severity, error) {
	var threshold policy.Severity
	if b.failOnNew != "" && b.failOnNew != "none" {
		s, err := policy.ParseSeverity(b.failOnNew)
		if err != nil {
			return nil, "", usagef("--fail-on-new: %v", err)
		}
		threshold = s
	}
	if b.file == "" {
		if threshold != "" {
			return nil, "", usagef("--fail-on-new needs --baseline FILE: the report whose findings are not new")
		}
		return nil, "", nil
	}
	base, err := reports.ReadBaseline(b.file)
	if err != nil {
		return nil, "", usageError{err}
	}
	return base, threshold, nil
}
