package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The limits that keep one rule from hanging or flooding an audit: every group of rules
// evaluated on a cluster runs under a deadline (Options.EvalTimeout) that OPA checks while it
// evaluates, down to the loops of builtins such as numbers.range; and each rule keeps at most
// Options.MaxFindingsPerRule findings per cluster.

// Defaults of the limits (the CLI's --eval-timeout and --max-findings-per-rule).
const (
	DefaultEvalTimeout        = 30 * time.Second
	DefaultMaxFindingsPerRule = 1000
)

// Why a rule could not be evaluated on a cluster (RuleError.Reason).
const (
	// ReasonTimeout: the rule was running when its group's deadline passed.
	ReasonTimeout = "timeout"
	// ReasonNotEvaluated: the rules before it in its group used up the time, or the
	// evaluation was cancelled before it started.
	ReasonNotEvaluated = "not-evaluated"
	// ReasonCancelled: the caller cancelled the evaluation (shutdown, interrupt).
	ReasonCancelled = "cancelled"
	// ReasonError: the rule failed (an OPA evaluation error, or a finding fleetaudit cannot
	// read).
	ReasonError = "error"
)

// RuleError is one rule that could not be evaluated on one cluster. The cluster's other
// rules still give their findings, and the cluster counts as incomplete.
type RuleError struct {
	Rule    string `json:"rule"`
	File    string `json:"file"` // file:line of the rule's first deny or warn
	Cluster string `json:"cluster"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
	// skipped is, for a rule not evaluated, why in words that fit several rules at once.
	skipped string
}

func (e RuleError) Error() string { return e.Message }

// RuleErrors are the rules that could not be evaluated on one cluster, as one error.
type RuleErrors []RuleError

func (es RuleErrors) Error() string { return strings.Join(es.Lines(), "; ") }

// Lines says what went wrong, one line per rule that failed or ran out of time, and one line
// for all the rules not evaluated for the same cause (there may be many).
func (es RuleErrors) Lines() []string {
	var lines, causes []string
	skipped := map[string][]RuleError{}
	for _, e := range es {
		if e.Reason != ReasonNotEvaluated || e.skipped == "" {
			lines = append(lines, e.Message)
			continue
		}
		if _, seen := skipped[e.skipped]; !seen {
			causes = append(causes, e.skipped)
		}
		skipped[e.skipped] = append(skipped[e.skipped], e)
	}
	for _, c := range causes {
		group := skipped[c]
		if len(group) == 1 {
			lines = append(lines, group[0].Message)
			continue
		}
		ids := make([]string, len(group))
		for i, e := range group {
			ids[i] = e.Rule
		}
		lines = append(lines, fmt.Sprintf("rules %s were not evaluated on cluster %s: %s", strings.Join(ids, ", "), group[0].Cluster, c))
	}
	return lines
}

// AsRuleErrors returns the rule errors err carries (nil when it carries none).
func AsRuleErrors(err error) RuleErrors {
	var es RuleErrors
	if errors.As(err, &es) {
		return es
	}
	return nil
}

func (r *Rule) where() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	return r.File
}

// ruleError classifies an evaluation error of rule r: a deadline that passed (ctx is the
// group's, parent the caller's), a cancellation by the caller, or an error of the rule.
func ruleError(r *Rule, cluster string, timeout time.Duration, ctx, parent context.Context, err error) RuleError {
	e := RuleError{Rule: r.ID, File: r.where(), Cluster: cluster}
	switch {
	case parent.Err() != nil:
		e.Reason = ReasonCancelled
		e.Message = fmt.Sprintf("rule %s (%s) was cancelled on cluster %s: %v", r.ID, e.File, cluster, parent.Err())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		e.Reason = ReasonTimeout
		e.Message = fmt.Sprintf("rule %s (%s) did not finish within %s on cluster %s; raise --eval-timeout or fix the rule", r.ID, e.File, timeout, cluster)
	default:
		e.Reason = ReasonError
		e.Message = fmt.Sprintf("rule %s (%s) failed on cluster %s: %v", r.ID, e.File, cluster, err)
	}
	return e
}

// notEvaluated is the error of a rule whose group ran out of time (or was cancelled) before
// the rule started.
func notEvaluated(r *Rule, cluster string, timeout time.Duration, parent context.Context) RuleError {
	e := RuleError{Rule: r.ID, File: r.where(), Cluster: cluster, Reason: ReasonNotEvaluated}
	why := fmt.Sprintf("--eval-timeout %s ran out before it started", timeout)
	e.skipped = fmt.Sprintf("--eval-timeout %s ran out before they started", timeout)
	if err := parent.Err(); err != nil {
		why, e.skipped = err.Error(), err.Error()
	}
	e.Message = fmt.Sprintf("rule %s (%s) was not evaluated on cluster %s: %s", r.ID, e.File, cluster, why)
	return e
}

// capFindings keeps the first limit of one rule's findings on one cluster, in SortFindings
// order (most severe first), and sums up the rest in one more finding of the rule, about the
// cluster, with the most severe kind and severity among those dropped.
func capFindings(r *Rule, cluster string, fs []Finding, limit int) []Finding {
	if limit <= 0 || len(fs) <= limit {
		return fs
	}
	SortFindings(fs)
	dropped := fs[limit:]
	sum := Finding{
		Cluster: cluster, RuleID: r.ID, Title: r.Title, Category: r.Category, Framework: r.Framework,
		Kind: "warn", Severity: dropped[0].Severity, Resource: ResourceRef{Kind: "Cluster", Name: cluster},
		Message: fmt.Sprintf("%d more findings of rule %s on this cluster were dropped: a rule keeps at most %d findings per cluster (--max-findings-per-rule)",
			len(dropped), r.ID, limit),
		Remediation: r.Remediation, References: r.References,
		Details: map[string]any{"dropped": len(dropped)},
	}
	for _, f := range dropped {
		if f.Kind == "deny" {
			sum.Kind = "deny"
			break
		}
	}
	return append(fs[:limit:limit], sum)
}
