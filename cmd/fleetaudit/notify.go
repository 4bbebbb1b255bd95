package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/notify"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
)

// notifyFlags tell chat rooms and webhooks about new findings once a command has written
// its output (audit, report, serve's scheduled reports). Sending never changes the exit
// code: a receiver that cannot be reached is a warning that names its host only, because
// webhook URLs carry tokens.
type notifyFlags struct {
	urls       notifyURLs
	secretFile string
	on         string

	// secret and min are what load read from --notify-secret-file and --notify-on.
	secret []byte
	min    policy.Severity
	// stderr receives the warnings of sendAndWarn.
	stderr io.Writer
}

func (n *notifyFlags) register(cmd *cobra.Command) {
	addFlags(cmd, groupOutput, func(fs *pflag.FlagSet) {
		fs.Var(&n.urls, "notify", "after the output is written, POST the new findings at or above --notify-on to this http(s) URL: a Slack message for hooks.slack.com, else signed JSON (repeatable; see docs/notify.md)")
		fs.StringVar(&n.secretFile, "notify-secret-file", "", "file holding the HMAC-SHA256 key that signs --notify JSON payloads (X-Fleetaudit-Signature); a trailing newline is trimmed")
		enumVarP(fs, &n.on, "notify-on", "", string(policy.SeverityHigh), severityValues(), "least severity --notify announces")
	})
	_ = cmd.MarkFlagFilename("notify-secret-file")
}

// severityValues are the severities, least severe first.
func severityValues() []string {
	var out []string
	for _, s := range policy.Severities {
		out = append(out, string(s))
	}
	return out
}

// load checks the URLs and reads the secret, once, before anything is audited. Its errors
// are usage errors and never repeat a URL or the secret.
func (n *notifyFlags) load() error {
	for i, u := range n.urls {
		if err := checkNotifyURL(u); err != nil {
			return usagef("--notify (value %d): %v", i+1, err)
		}
	}
	min, err := policy.ParseSeverity(n.on)
	if err != nil {
		return usagef("--notify-on: %v", err)
	}
	n.min = min
	if n.secretFile == "" {
		return nil
	}
	if len(n.urls) == 0 {
		return usagef("--notify-secret-file needs --notify URL: the receiver whose payloads it signs")
	}
	b, err := os.ReadFile(n.secretFile)
	if err != nil {
		return usagef("--notify-secret-file: %v", err)
	}
	if n.secret = bytes.TrimRight(b, "\r\n"); len(n.secret) == 0 {
		return usagef("--notify-secret-file %s is empty: write the shared HMAC key into it", n.secretFile)
	}
	return nil
}

// send notifies every --notify URL of the findings of r worth announcing (announced) and
// returns one warning per URL it could not reach.
func (n *notifyFlags) send(ctx context.Context, r *reports.Report) []error {
	if len(n.urls) == 0 {
		return nil
	}
	o := notify.Options{URLs: n.urls, Secret: n.secret}
	return notify.Send(ctx, o, announced(r, n.min), n.min)
}

// sendAndWarn is send, its warnings written to stderr.
func (n *notifyFlags) sendAndWarn(ctx context.Context, r *reports.Report) {
	for _, w := range n.send(ctx, r) {
		fmt.Fprintf(n.stderr, "fleetaudit: warning: %v\n", w)
	}
}

// announced are the open findings of r at or above min that are new: against --baseline
// when there is one; else, for a report written into a history, since the history's
// previous report (so a daily report does not announce the same findings every day); else
// every open finding.
func announced(r *reports.Report, min policy.Severity) []policy.Finding {
	all := func(policy.Finding) bool { return true }
	switch {
	case r.Baseline != nil:
		return notify.New(r.FindingsWhere(all), min, true)
	case r.Changes != nil:
		news := notify.New(r.Changes.New, min, false)
		policy.SortFindings(news)
		return news
	}
	return notify.New(r.FindingsWhere(all), min, false)
}

// notifyURLs is --notify, repeatable. Set takes any value and load refuses a bad one:
// pflag and --config quote the value a Set refuses, and a webhook URL carries a token.
// config validate runs Check, which refuses without quoting.
type notifyURLs []string

func (u *notifyURLs) Type() string { return "stringArray" }
func (u *notifyURLs) Set(v string) error {
	*u = append(*u, v)
	return nil
}

// Check checks one URL as load does.
func (u *notifyURLs) Check(v string) error { return checkNotifyURL(v) }

// String shows only each URL's scheme and host.
func (u *notifyURLs) String() string {
	var out []string
	for _, raw := range *u {
		if p, err := url.Parse(raw); err == nil && p.Host != "" {
			out = append(out, p.Scheme+"://"+p.Host+"/…")
		} else {
			out = append(out, "…")
		}
	}
	return "[" + strings.Join(out, ",") + "]"
}

// checkNotifyURL accepts an absolute http or https URL with a host. Its errors do not
// quote the URL.
func checkNotifyURL(raw string) error {
	p, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("not a URL; want http(s)://HOST/PATH (the value is not shown: webhook URLs carry tokens)")
	case p.Scheme != "http" && p.Scheme != "https":
		return fmt.Errorf("not an http:// or https:// URL")
	case p.Host == "":
		return fmt.Errorf("no host: want http(s)://HOST/PATH")
	}
	return nil
}
