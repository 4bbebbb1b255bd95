package metrics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

func certSnapshot(items []facts.Certificate, cm []facts.CertManagerCertificate) *Snapshot {
	at := time.Unix(1_800_000_000, 0).UTC()
	c := &facts.Cluster{Name: "prod", CollectedAt: at, Certificates: &facts.Certificates{Items: items,
		CertManager: facts.CertManager{Installed: len(cm) > 0, Certificates: cm}}}
	return &Snapshot{Facts: map[string]*facts.Cluster{"prod": c},
		Audit: &fleet.Audit{Clusters: []fleet.Result{{Cluster: "prod", Status: facts.StatusOK, CollectedAt: at}}}}
}

func webhookCA(name string, notAfter time.Time) facts.Certificate {
	return facts.Certificate{Source: "webhook-ca", Kind: "ValidatingWebhookConfiguration", APIVersion: "admissionregistration.k8s.io/v1",
		Name: name, Field: "webhooks[name=w].clientConfig.caBundle", NotAfter: &notAfter}
}

// TestCertificateExpirySeries: every certificate within 60 days (expired ones too) and the 5
// soonest have a series; unreadable bundles and the rest do not.
func TestCertificateExpirySeries(t *testing.T) {
	at := time.Unix(1_800_000_000, 0).UTC()
	day := 24 * time.Hour
	items := []facts.Certificate{
		webhookCA("expired", at.Add(-2*day)), webhookCA("in-3-days", at.Add(3*day)), webhookCA("in-59-days", at.Add(59*day)),
		{Source: "webhook-ca", Kind: "MutatingWebhookConfiguration", Name: "garbage", Field: "webhooks[name=w].clientConfig.caBundle", ParseError: "no PEM CERTIFICATE block"},
		{Source: "root-ca", Kind: "ConfigMap", Namespace: "kube-system", Name: "kube-root-ca.crt", Field: "data[ca.crt]", NotAfter: ptrTime(at.Add(3650 * day))},
		{Source: "apiserver-serving", Kind: "Cluster", Name: "prod", Field: "apiServer.servingChain", Index: 1, NotAfter: ptrTime(at.Add(400 * day))},
	}
	for i := range 4 {
		items = append(items, webhookCA(fmt.Sprintf("far-%d", i), at.Add(time.Duration(100+i)*day)))
	}
	c := New()
	c.Update(certSnapshot(items, []facts.CertManagerCertificate{{Namespace: "shop", Name: "web-tls", Ready: "True", NotAfter: ptrTime(at.Add(20 * day))}}))
	const want = `
# HELP fleetaudit_certificate_expiry_timestamp_seconds Unix time a certificate expires (notAfter), by the object and field that hold it (kind Cluster: the API server's serving chain, the kubeconfig's client certificate; a cert-manager Certificate: status.notAfter). Bounded per cluster: certificates expiring within 60 days of collection, plus the 5 soonest, at most 50.
# TYPE fleetaudit_certificate_expiry_timestamp_seconds gauge
fleetaudit_certificate_expiry_timestamp_seconds{cluster="prod",field="webhooks[name=w].clientConfig.caBundle",kind="ValidatingWebhookConfiguration",name="expired",namespace=""} 1.7998272e+09
fleetaudit_certificate_expiry_timestamp_seconds{cluster="prod",field="webhooks[name=w].clientConfig.caBundle",kind="ValidatingWebhookConfiguration",name="in-3-days",namespace=""} 1.8002592e+09
fleetaudit_certificate_expiry_timestamp_seconds{cluster="prod",field="status.notAfter",kind="Certificate",name="web-tls",namespace="shop"} 1.801728e+09
fleetaudit_certificate_expiry_timestamp_seconds{cluster="prod",field="webhooks[name=w].clientConfig.caBundle",kind="ValidatingWebhookConfiguration",name="in-59-days",namespace=""} 1.8050976e+09
fleetaudit_certificate_expiry_timestamp_seconds{cluster="prod",field="webhooks[name=w].clientConfig.caBundle",kind="ValidatingWebhookConfiguration",name="far-0",namespace=""} 1.80864e+09
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fleetaudit_certificate_expiry_timestamp_seconds"); err != nil {
		t.Error(err)
	}
}

// TestCertificateSeriesCapped: a cluster with more certificates about to expire than the cap
// has CertificateMaxPerCluster series, the soonest.
func TestCertificateSeriesCapped(t *testing.T) {
	at := time.Unix(1_800_000_000, 0).UTC()
	var items []facts.Certificate
	for i := range 80 {
		items = append(items, webhookCA(fmt.Sprintf("w%02d", i), at.Add(time.Duration(i)*time.Hour)))
	}
	c := New()
	c.Update(certSnapshot(items, nil))
	if n := testutil.CollectAndCount(c, "fleetaudit_certificate_expiry_timestamp_seconds"); n != CertificateMaxPerCluster {
		t.Errorf("%d series, want %d", n, CertificateMaxPerCluster)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
