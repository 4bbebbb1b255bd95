// Package notify tells chat rooms and webhooks about new findings: a Slack incoming-webhook
// message for hooks.slack.com URLs, else a generic JSON document signed with HMAC-SHA256.
// Sending never fails an audit: errors come back as warnings that name the URL's host only
// (webhook URLs carry tokens), and the payload carries finding messages, which never
// contain secret values.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the request body keyed with
// the shared secret, when one is set.
const SignatureHeader = "X-Fleetaudit-Signature"

// maxFindings bounds the findings listed in one payload; Count still says how many there are.
const maxFindings = 100

// Options say where and how to send.
type Options struct {
	// URLs receive the notification, each once.
	URLs []string
	// Secret signs generic webhook payloads (SignatureHeader); none without it.
	Secret []byte
	// Client sends the requests; http.DefaultClient's transport with a 10s timeout when nil.
	Client *http.Client
	// Attempts per URL (default 4), waiting Backoff (default 500ms) then twice as long each
	// time, on a network error, a timeout, 429 or a 5xx answer; MaxElapsed (default 30s)
	// bounds the whole send to one URL.
	Attempts   int
	Backoff    time.Duration
	MaxElapsed time.Duration
}

// New selects the findings to announce: open (not waived) findings at or above min that are
// new since the baseline; without a baseline (baselined false) every open finding at or
// above min counts as new.
func New(findings []policy.Finding, min policy.Severity, baselined bool) []policy.Finding {
	var out []policy.Finding
	for _, f := range findings {
		if f.Waived() || !f.Severity.AtLeast(min) {
			continue
		}
		if baselined && f.Baseline != policy.BaselineNew {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Message is the generic webhook payload.
type Message struct {
	Source      string    `json:"source"` // "fleetaudit"
	Event       string    `json:"event"`  // "new-findings"
	MinSeverity string    `json:"minSeverity"`
	Count       int       `json:"count"`
	Findings    []Finding `json:"findings"` // the first 100
}

// Finding is one finding of a Message.
type Finding struct {
	Cluster  string             `json:"cluster"`
	Rule     string             `json:"rule"`
	Severity string             `json:"severity"`
	Category string             `json:"category"`
	Title    string             `json:"title"`
	Message  string             `json:"message"`
	Resource policy.ResourceRef `json:"resource"`
}

// Send posts one notification about findings (already selected with New) to every URL, and
// returns one warning per URL it could not reach; nothing is sent when findings is empty.
func Send(ctx context.Context, o Options, findings []policy.Finding, min policy.Severity) []error {
	if len(findings) == 0 {
		return nil
	}
	msg := Message{Source: "fleetaudit", Event: "new-findings", MinSeverity: string(min), Count: len(findings), Findings: []Finding{}}
	for i, f := range findings {
		if i == maxFindings {
			break
		}
		msg.Findings = append(msg.Findings, Finding{Cluster: f.Cluster, Rule: f.RuleID, Severity: string(f.Severity),
			Category: string(f.Category), Title: f.Title, Message: f.Message, Resource: f.Resource})
	}
	var warnings []error
	for _, raw := range o.URLs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			warnings = append(warnings, fmt.Errorf("notify: a --notify URL is not an http(s) URL"))
			continue
		}
		body, sign := genericBody(msg), len(o.Secret) > 0
		if u.Hostname() == "hooks.slack.com" {
			body, sign = slackBody(msg), false
		}
		if err := post(ctx, o, raw, body, sign); err != nil {
			warnings = append(warnings, fmt.Errorf("notify %s: %w", u.Host, err))
		}
	}
	return warnings
}

func genericBody(m Message) []byte {
	b, _ := json.Marshal(m)
	return b
}

// Sign returns the SignatureHeader value of body under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends body with retries; its errors never contain the URL (it may hold a token).
func post(ctx context.Context, o Options, target string, body []byte, sign bool) error {
	client, attempts, wait, maxElapsed := o.Client, o.Attempts, o.Backoff, o.MaxElapsed
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if attempts <= 0 {
		attempts = 4
	}
	if wait <= 0 {
		wait = 500 * time.Millisecond
	}
	if maxElapsed <= 0 {
		maxElapsed = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, maxElapsed)
	defer cancel()
	var last error
	for try := 1; ; try++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("build request")
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "fleetaudit")
		if sign {
			req.Header.Set(SignatureHeader, Sign(o.Secret, body))
		}
		resp, err := client.Do(req)
		retry := true
		switch {
		case err != nil:
			last = fmt.Errorf("request failed (%s)", reason(err))
		default:
			resp.Body.Close()
			if resp.StatusCode < 300 {
				return nil
			}
			last = fmt.Errorf("answered %s", resp.Status)
			retry = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		}
		if !retry || try >= attempts {
			return fmt.Errorf("%w after %d attempt(s)", last, try)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w; gave up after %s", last, maxElapsed)
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// reason says why a request failed without repeating the URL that *url.Error carries.
func reason(err error) string {
	var ue *url.Error
	if e, ok := err.(*url.Error); ok {
		ue = e
		if ue.Timeout() {
			return "timeout"
		}
		return ue.Err.Error()
	}
	return err.Error()
}
