package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

// peerFlags are how a sharded serve replica reaches the replicas that own the other shards,
// to forward gate requests for their clusters.
type peerFlags struct {
	url        string // template with {index}
	ca         string
	clientCert string
	clientKey  string
}

func (p *peerFlags) register(cmd *cobra.Command) {
	addFlags(cmd, groupServe, func(fs *pflag.FlagSet) {
		fs.StringVar(&p.url, "shard-peer-url", "", "base URL of the serve replica that owns shard {index}, e.g. https://fleetaudit-{index}.fleetaudit-headless.fleetaudit.svc:8443: a gate request for another shard's clusters is forwarded there, once (needs --shard or --shards and --peer-ca)")
		fs.StringVar(&p.ca, "peer-ca", "", "CA bundle (PEM) the peers' serving certificates must verify against; forwarded requests go only to peers it verifies")
		fs.StringVar(&p.clientCert, "peer-client-cert", "", "client certificate (PEM) this replica presents to its peers when it forwards (the peers must --gate-allow its name); without it the caller's bearer token is forwarded")
		fs.StringVar(&p.clientKey, "peer-client-key", "", "private key (PEM) of --peer-client-cert")
	})
}

// peers checks the peer flags against the shard and the gate's caller flags and builds the
// forwarding client; nil without --shard-peer-url.
func (p *peerFlags) peers(sh fleet.Shard, sf *serveFlags) (*server.Peers, error) {
	tokens := sf.tokenReviewContext != "" || sf.tokenReviewInCluster
	switch {
	case p.url == "" && (p.ca != "" || p.clientCert != "" || p.clientKey != ""):
		return nil, usagef("--peer-ca, --peer-client-cert and --peer-client-key configure forwarding: add --shard-peer-url")
	case p.url == "":
		return nil, nil
	case sh.Whole():
		return nil, usagef("--shard-peer-url forwards to the owners of other shards: add --shard I/N or --shards N (N > 1)")
	case !strings.Contains(p.url, server.PeerIndex):
		return nil, usagef("--shard-peer-url %q: put %s where the replica's index goes, e.g. https://fleetaudit-%s.fleetaudit-headless.fleetaudit.svc:8443", p.url, server.PeerIndex, server.PeerIndex)
	case !strings.HasPrefix(p.url, "https://"):
		return nil, usagef("--shard-peer-url %q: peers are reached over TLS only (https://)", p.url)
	case sf.tlsCert == "":
		return nil, usagef("--shard-peer-url forwards gate requests: serve the gate endpoints (--tls-cert, --tls-key)")
	case p.ca == "":
		return nil, usagef("--shard-peer-url needs --peer-ca: requests (and callers' tokens) are forwarded only to peers whose certificates it verifies")
	case (p.clientCert == "") != (p.clientKey == ""):
		return nil, usagef("--peer-client-cert and --peer-client-key go together")
	case p.clientCert == "" && !tokens && !sf.allowUnauthenticated:
		return nil, usagef("--shard-peer-url: the peers must authenticate forwarded requests: give --peer-client-cert and --peer-client-key, or accept bearer tokens (--token-review-*) so that callers' tokens are forwarded")
	}
	pem, err := os.ReadFile(p.ca)
	if err != nil {
		return nil, usagef("--peer-ca: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usagef("--peer-ca %s: no PEM certificate in it", p.ca)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
	if p.clientCert != "" {
		if _, err := tls.LoadX509KeyPair(p.clientCert, p.clientKey); err != nil {
			return nil, usagef("--peer-client-cert: %v", err)
		}
		// Read at every new connection, so a renewed certificate is used without a restart;
		// one that no longer loads fails the handshake, and the forward with it (closed).
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			c, err := tls.LoadX509KeyPair(p.clientCert, p.clientKey)
			if err != nil {
				return nil, fmt.Errorf("peer client certificate: %w", err)
			}
			return &c, nil
		}
	}
	// No proxy from the environment: peers are pods of the same StatefulSet.
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 4}
	return &server.Peers{URL: strings.TrimSuffix(p.url, "/"), Client: &http.Client{Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		ForwardToken: p.clientCert == ""}, nil
}
