package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// CertFiles are the PEM files of the gate listener: its serving key pair and, optionally, the
// CA bundle that client certificates must verify against.
type CertFiles struct {
	Cert, Key string
	ClientCA  string // empty: no client certificates are requested
}

// Certs holds the gate listener's certificates and reloads them when their files change. A
// file that does not parse (half written, a key that does not match the certificate, an empty
// bundle) keeps the previous value and logs an error.
type Certs struct {
	serving  *reloading[tls.Certificate]
	clientCA *reloading[x509.CertPool] // nil without CertFiles.ClientCA
	log      *slog.Logger
	// PollInterval re-reads the files even without a change event (events can be missed, e.g.
	// on some network file systems). Zero means a minute.
	PollInterval time.Duration
}

// LoadCerts reads the files once; an error here is a configuration error.
func LoadCerts(f CertFiles, log *slog.Logger) (*Certs, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Certs{log: log, serving: &reloading[tls.Certificate]{what: "serving certificate", files: []string{f.Cert, f.Key}, parse: parseKeyPair}}
	if _, err := c.serving.reload(); err != nil {
		return nil, err
	}
	if f.ClientCA != "" {
		c.clientCA = &reloading[x509.CertPool]{what: "client CA", files: []string{f.ClientCA}, parse: parseCABundle}
		if _, err := c.clientCA.reload(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// TLSConfig is the listener's configuration: the current serving certificate at every
// handshake and, with a client CA, client certificates verified (for client authentication)
// against the current bundle. clientAuth is tls.RequireAndVerifyClientCert when certificates
// are the only way in, tls.VerifyClientCertIfGiven when bearer tokens are accepted too (a
// certificate that is given must still verify). Session resumption is off so that a CA removed
// from the bundle stops admitting its clients at once.
func (c *Certs) TLSConfig(clientAuth tls.ClientAuthType) *tls.Config {
	base := &tls.Config{
		MinVersion:             tls.VersionTLS12,
		GetCertificate:         func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return c.serving.cur.Load(), nil },
		SessionTicketsDisabled: true,
	}
	if c.clientCA == nil {
		return base
	}
	base.ClientAuth, base.ClientCAs = clientAuth, c.clientCA.cur.Load()
	perClient := base.Clone()
	base.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		cfg := perClient.Clone()
		cfg.ClientCAs = c.clientCA.cur.Load()
		return cfg, nil
	}
	return base
}

// Serving returns the current serving certificate.
func (c *Certs) Serving() *tls.Certificate { return c.serving.cur.Load() }

// Run watches the files' folders until ctx ends. Kubernetes updates a mounted Secret by
// swapping a symlink in the folder, so folders are watched, not files.
func (c *Certs) Run(ctx context.Context) error {
	files := slices.Clone(c.serving.files)
	if c.clientCA != nil {
		files = append(files, c.clientCA.files...)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch certificates: %w", err)
	}
	defer w.Close()
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[filepath.Dir(f)] = true
	}
	for d := range dirs {
		if err := w.Add(d); err != nil {
			return fmt.Errorf("watch certificates: %w", err)
		}
	}
	poll := c.PollInterval
	if poll <= 0 {
		poll = time.Minute
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	// Writers often touch a pair as two files: settle for a moment after the last event.
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-w.Events:
			if !ok {
				return nil
			}
			settle.Reset(100 * time.Millisecond)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			c.log.Error("watch certificates", "err", err)
		case <-settle.C:
			c.reloadAll()
		case <-ticker.C:
			c.reloadAll()
		}
	}
}

func (c *Certs) reloadAll() {
	report := func(what string, files []string, changed bool, err error) {
		switch {
		case err != nil:
			c.log.Error("reload "+what+": keeping the previous one", "files", files, "err", err)
		case changed:
			c.log.Info("reloaded "+what, "files", files)
		}
	}
	changed, err := c.serving.reload()
	report(c.serving.what, c.serving.files, changed, err)
	if c.clientCA != nil {
		changed, err := c.clientCA.reload()
		report(c.clientCA.what, c.clientCA.files, changed, err)
	}
}

// reloading is a value parsed from files, swapped atomically when their contents change.
type reloading[T any] struct {
	what  string
	files []string
	parse func(contents [][]byte) (*T, error)
	cur   atomic.Pointer[T]

	mu     sync.Mutex
	loaded [][]byte // contents behind cur
	failed [][]byte // contents that last failed to parse (reported once)
}

// reload reads the files; unchanged contents are a no-op, contents that fail to parse keep
// the current value (errUnchanged when they failed before, so a poll does not log again).
func (r *reloading[T]) reload() (changed bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	contents := make([][]byte, len(r.files))
	for i, f := range r.files {
		if contents[i], err = os.ReadFile(f); err != nil {
			return false, r.fail(contents, fmt.Errorf("read %s: %w", r.what, err))
		}
	}
	if r.loaded != nil && slices.EqualFunc(contents, r.loaded, bytes.Equal) {
		r.failed = nil
		return false, nil
	}
	v, err := r.parse(contents)
	if err != nil {
		return false, r.fail(contents, fmt.Errorf("parse %s: %w", r.what, err))
	}
	r.cur.Store(v)
	r.loaded, r.failed = contents, nil
	return true, nil
}

func (r *reloading[T]) fail(contents [][]byte, err error) error {
	if r.failed != nil && slices.EqualFunc(contents, r.failed, bytes.Equal) {
		return nil // reported already
	}
	r.failed = contents
	return err
}

func parseKeyPair(c [][]byte) (*tls.Certificate, error) {
	cert, err := tls.X509KeyPair(c[0], c[1])
	if err != nil {
		return nil, err
	}
	return &cert, nil
}

func parseCABundle(c [][]byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c[0]) {
		return nil, errors.New("no PEM certificate in the bundle")
	}
	return pool, nil
}
