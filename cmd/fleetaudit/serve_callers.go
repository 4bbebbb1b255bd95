package main

import (
	"crypto/tls"
	"log/slog"

	"k8s.io/client-go/kubernetes"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

// checkCallerFlags: the gate endpoints decide whether production clusters may upgrade, so
// serving them to anyone must be asked for explicitly.
func (sf *serveFlags) checkCallerFlags() error {
	tokens := sf.tokenReviewContext != "" || sf.tokenReviewInCluster
	switch {
	case sf.tokenReviewContext != "" && sf.tokenReviewInCluster:
		return usagef("--token-review-context and --token-review-in-cluster exclude each other")
	case sf.tlsCert == "" && (sf.clientCA != "" || tokens || len(sf.gateAllow) > 0 || len(sf.tokenReviewAudiences) > 0):
		return usagef("--client-ca, --token-review-*, --gate-allow apply to the gate endpoints: add --tls-cert and --tls-key")
	case len(sf.tokenReviewAudiences) > 0 && !tokens:
		return usagef("--token-review-audience needs --token-review-context or --token-review-in-cluster")
	case sf.tlsCert != "" && sf.clientCA == "" && !tokens && !sf.allowUnauthenticated:
		return usagef("the gate endpoints need authenticated callers: add --client-ca FILE (client certificates) and/or --token-review-context NAME or --token-review-in-cluster (bearer tokens), or --allow-unauthenticated-callers")
	case sf.allowUnauthenticated && (sf.clientCA != "" || tokens):
		return usagef("--allow-unauthenticated-callers contradicts --client-ca and --token-review-*")
	case sf.allowUnauthenticated && len(sf.gateAllow) > 0:
		return usagef("--allow-unauthenticated-callers contradicts --gate-allow: an unauthenticated caller has no name to allow")
	}
	return nil
}

// gateTLS is the gate listener's TLS and caller authentication (zero without --tls-cert).
type gateTLS struct {
	certs   *server.Certs
	tls     *tls.Config
	callers *server.CallerAuth
}

func (sf *serveFlags) gateTLS(src *sourceFlags, log *slog.Logger) (gateTLS, error) {
	if sf.tlsCert == "" {
		return gateTLS{}, nil
	}
	certs, err := server.LoadCerts(server.CertFiles{Cert: sf.tlsCert, Key: sf.tlsKey, ClientCA: sf.clientCA}, log)
	if err != nil {
		return gateTLS{}, usagef("gate TLS: %v", err)
	}
	g := gateTLS{certs: certs}
	if sf.allowUnauthenticated {
		log.Warn("the gate endpoints accept unauthenticated callers (--allow-unauthenticated-callers): anyone who reaches them can ask the gate")
		g.tls = certs.TLSConfig(tls.NoClientCert)
		return g, nil
	}
	g.callers = &server.CallerAuth{Certificates: sf.clientCA != "", Allow: sf.gateAllow, Log: log}
	if sf.tokenReviewContext != "" || sf.tokenReviewInCluster {
		o := fleet.KubeconfigOptions{Path: src.kube.kubeconfig, QPS: 20, Burst: 40}
		var targets []fleet.Target
		if sf.tokenReviewInCluster {
			targets, err = fleet.InCluster("in-cluster", o)
		} else {
			o.Contexts = []string{sf.tokenReviewContext}
			targets, err = fleet.LoadKubeconfig(o)
		}
		if err != nil {
			return gateTLS{}, usagef("token review: %v", err)
		}
		cs, err := kubernetes.NewForConfig(targets[0].Config)
		if err != nil {
			return gateTLS{}, usagef("token review: %v", err)
		}
		g.callers.Tokens = server.NewTokenReviewer(cs.AuthenticationV1().TokenReviews(), sf.tokenReviewAudiences)
	}
	clientAuth := tls.RequireAndVerifyClientCert
	if g.callers.Tokens != nil {
		clientAuth = tls.VerifyClientCertIfGiven // no certificate: the token decides, at the HTTP level
	}
	g.tls = certs.TLSConfig(clientAuth)
	return g, nil
}
