package metrics

import (
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/reports"
)

// The certificate series are bounded per cluster: a certificate has its own series when it
// expires within CertificateHorizon of collection (already expired ones included) or is among
// the cluster's CertificateSoonest soonest-expiring, and never more than
// CertificateMaxPerCluster series per cluster (the soonest win). A fleet of N clusters has at
// most N × CertificateMaxPerCluster series, whatever its webhooks and bundles hold.
const (
	// CertificateHorizon is the largest default expiry threshold of the rules
	// (certificates.expiry_days.medium).
	CertificateHorizon       = 60 * 24 * time.Hour
	CertificateSoonest       = 5
	CertificateMaxPerCluster = 50
)

// certificates adds fleetaudit_certificate_expiry_timestamp_seconds for one cluster.
func (b *builder) certificates(cluster string, c *facts.Cluster) {
	for i, x := range reports.SoonestCertificates(c, CertificateMaxPerCluster) {
		if i >= CertificateSoonest && x.NotAfter.Sub(c.CollectedAt) > CertificateHorizon {
			break // sorted soonest first: the rest are further out
		}
		r := x.Resource
		b.add("fleetaudit_certificate_expiry_timestamp_seconds", float64(x.NotAfter.Unix()), cluster, r.Kind, r.Namespace, r.Name, r.FieldPath)
	}
}
