package collectors

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// certManagerGroup is cert-manager's API group; fleetaudit reads its v1 objects.
const certManagerGroup = "cert-manager.io"

// certManagerServed reports whether the CRDs say the cluster serves cert-manager.io/v1
// Certificates (cert-manager is installed).
func certManagerServed(crds []*apiextv1.CustomResourceDefinition) bool {
	for _, c := range crds {
		if c.Spec.Group != certManagerGroup || c.Spec.Names.Kind != "Certificate" {
			continue
		}
		for _, v := range c.Spec.Versions {
			if v.Name == "v1" && v.Served {
				return true
			}
		}
	}
	return false
}

// listCertManager lists cert-manager's Certificates, Issuers and ClusterIssuers (v1). Each
// kind is listed only when its CRD is served; a cluster with Certificates but no issuer CRDs
// simply has none.
func listCertManager(ctx context.Context, t Target, in *CertificateObjects) error {
	served := map[string]bool{}
	for _, c := range in.CRDs {
		if c.Spec.Group == certManagerGroup {
			served[c.Spec.Names.Kind] = true
		}
	}
	var issuers, clusterIssuers []*unstructured.Unstructured
	var steps []func() error
	list := func(kind, resource string, into *[]*unstructured.Unstructured) {
		if !served[kind] {
			return
		}
		steps = append(steps, func() error {
			return listEach(ctx, t, resource+"."+certManagerGroup, listPath(t, "/apis/"+certManagerGroup+"/v1/"+resource),
				func() { *into = nil }, func(u *unstructured.Unstructured) { *into = append(*into, u) })
		})
	}
	list("Certificate", "certificates", &in.CertManagerCerts)
	list("Issuer", "issuers", &issuers)
	list("ClusterIssuer", "clusterissuers", &clusterIssuers)
	if err := parallel(steps...); err != nil {
		return err
	}
	in.CertManagerIssuers = append(issuers, clusterIssuers...)
	return nil
}

// cmObject is the part of a cert-manager object that is read.
type cmObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		IssuerRef struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"issuerRef"`
	} `json:"spec"`
	Status struct {
		Conditions []struct {
			Type    string `json:"type"`
			Status  string `json:"status"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"conditions"`
		NotAfter    string `json:"notAfter"`
		RenewalTime string `json:"renewalTime"`
	} `json:"status"`
}

// decodeCM reads the fields of a cert-manager object; an object whose fields have unexpected
// types reads as one without them (no conditions: Ready Unknown).
func decodeCM(u *unstructured.Unstructured) cmObject {
	var o cmObject
	if b, err := json.Marshal(u.Object); err == nil {
		if json.Unmarshal(b, &o) != nil {
			o = cmObject{Kind: u.GetKind()}
		}
	}
	o.Metadata.Namespace, o.Metadata.Name = u.GetNamespace(), u.GetName()
	return o
}

// ready is the Ready condition's status, reason and message (Unknown when missing).
func (o cmObject) ready() (status, reason, message string) {
	for _, c := range o.Status.Conditions {
		if c.Type == "Ready" {
			if c.Status == "" {
				c.Status = "Unknown"
			}
			return c.Status, c.Reason, truncate(c.Message, 512)
		}
	}
	return "Unknown", "", ""
}

// parseTime reads an RFC 3339 time; nil when empty or not a time.
func parseTime(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}

// CertManagerCertificates converts cert-manager Certificates, sorted by namespace and name.
func CertManagerCertificates(items []*unstructured.Unstructured) []facts.CertManagerCertificate {
	out := make([]facts.CertManagerCertificate, 0, len(items))
	for _, u := range items {
		o := decodeCM(u)
		c := facts.CertManagerCertificate{Namespace: o.Metadata.Namespace, Name: o.Metadata.Name,
			IssuerKind: cmp.Or(o.Spec.IssuerRef.Kind, "Issuer"), IssuerName: o.Spec.IssuerRef.Name,
			NotAfter: parseTime(o.Status.NotAfter), RenewalTime: parseTime(o.Status.RenewalTime)}
		c.Ready, c.Reason, c.Message = o.ready()
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b facts.CertManagerCertificate) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// CertManagerIssuers converts Issuers and ClusterIssuers, sorted by kind, namespace and name.
func CertManagerIssuers(items []*unstructured.Unstructured) []facts.Issuer {
	out := make([]facts.Issuer, 0, len(items))
	for _, u := range items {
		o := decodeCM(u)
		kind := cmp.Or(u.GetKind(), "Issuer")
		i := facts.Issuer{Kind: kind, Name: o.Metadata.Name}
		if kind != "ClusterIssuer" {
			i.Namespace = o.Metadata.Namespace
		}
		i.Ready, i.Reason, i.Message = o.ready()
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b facts.Issuer) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}
