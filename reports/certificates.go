package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// NextExpiringLimit is how many certificates the fleet's next-expiring list holds.
const NextExpiringLimit = 15

// ExpiringCertificate is one certificate of the fleet's next-expiring list: where it is
// (the object and the field that holds it) and how long it has left.
type ExpiringCertificate struct {
	Cluster string `json:"cluster"`
	// Resource is the object that holds the certificate; FieldPath is the field (Kind
	// "Cluster" for the API server's serving chain and the kubeconfig's client certificate).
	Resource policy.ResourceRef `json:"resource"`
	// Source is where it was read: apiserver-serving, kubeconfig-client, webhook-ca,
	// apiservice-ca, crd-conversion-ca, root-ca or cert-manager.
	Source   string    `json:"source"`
	Subject  string    `json:"subject,omitempty"`
	NotAfter time.Time `json:"notAfter"`
	// DaysLeft is counted from the cluster's collection time, like the rules' daysLeft.
	DaysLeft int `json:"daysLeft"`
}

// keepCertificates records the soonest-expiring certificates of one cluster's facts.
func (b *Builder) keepCertificates(c *facts.Cluster) {
	soon := SoonestCertificates(c, NextExpiringLimit)
	if len(soon) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expiring = append(b.expiring, soon...)
}

// NextExpiring is the fleet's soonest-expiring certificates (at most NextExpiringLimit), of
// the clusters kept so far.
func (b *Builder) NextExpiring() []ExpiringCertificate {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := slices.Clone(b.expiring)
	sortExpiring(out)
	return out[:min(len(out), NextExpiringLimit)]
}

// SoonestCertificates is a cluster's n soonest-expiring readable certificates (cert-manager
// Certificates by status.notAfter included), soonest first.
func SoonestCertificates(c *facts.Cluster, n int) []ExpiringCertificate {
	if c == nil || c.Certificates == nil {
		return nil
	}
	var out []ExpiringCertificate
	for _, x := range c.Certificates.Items {
		if x.NotAfter == nil {
			continue
		}
		ref := policy.ResourceRef{APIVersion: x.APIVersion, Kind: x.Kind, Namespace: x.Namespace, Name: x.Name, FieldPath: x.Field}
		if x.Kind == "Cluster" {
			ref = policy.ResourceRef{Kind: "Cluster", Name: c.Name, FieldPath: x.Field}
		}
		if x.Index > 0 {
			ref.FieldPath += fmt.Sprintf("[%d]", x.Index) // the second certificate of a bundle
		}
		out = append(out, ExpiringCertificate{Cluster: c.Name, Resource: ref, Source: x.Source, Subject: x.SubjectCN,
			NotAfter: *x.NotAfter, DaysLeft: facts.DaysLeft(*x.NotAfter, c.CollectedAt)})
	}
	for _, x := range c.Certificates.CertManager.Certificates {
		if x.NotAfter == nil {
			continue
		}
		out = append(out, ExpiringCertificate{Cluster: c.Name, Source: "cert-manager",
			Resource: policy.ResourceRef{APIVersion: "cert-manager.io/v1", Kind: "Certificate", Namespace: x.Namespace, Name: x.Name, FieldPath: "status.notAfter"},
			NotAfter: *x.NotAfter, DaysLeft: facts.DaysLeft(*x.NotAfter, c.CollectedAt)})
	}
	sortExpiring(out)
	return out[:min(len(out), n)]
}

func sortExpiring(s []ExpiringCertificate) {
	slices.SortFunc(s, func(a, b ExpiringCertificate) int {
		return cmp.Or(cmp.Compare(a.DaysLeft, b.DaysLeft), a.NotAfter.Compare(b.NotAfter), cmp.Compare(a.Cluster, b.Cluster),
			a.Resource.Compare(b.Resource))
	})
}

// markdownCertificates writes the next-expiring list (nothing without certificates facts).
func markdownCertificates(b *strings.Builder, r *Report) {
	if len(r.NextExpiring) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Next expiring certificates\n\n| days left | not after | cluster | object | field | subject |\n|---|---|---|---|---|---|\n")
	for _, c := range r.NextExpiring {
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s |\n", c.DaysLeft, c.NotAfter.Format("2006-01-02"), md(c.Cluster),
			code(c.Resource.String()), code(c.Resource.FieldPath), md(c.Subject))
	}
}
