package facts

import "time"

// Certificates are the cluster's machine identities that can be read without a Secret: the
// API server's serving chain (from the audit's own TLS handshake), the CA bundles of
// webhooks, APIServices and CRD conversion webhooks, the kube-root-ca.crt ConfigMap, the
// client certificate of the kubeconfig used for the audit, cert-manager's Certificates and
// issuers, and CertificateSigningRequests. No private key and no Secret is ever read.
type Certificates struct {
	// Items are every certificate found, one per certificate of a bundle or chain, sorted by
	// kind, namespace, name, field and index. A bundle that cannot be read is one item with
	// ParseError set.
	Items []Certificate `json:"items"`
	// ServingError says why the API server's serving chain could not be read (the
	// handshake failed, or the connection is not TLS); empty when it was read or not tried.
	ServingError string `json:"servingError,omitempty"`
	// CertManager is cert-manager's Certificates and issuers.
	CertManager CertManager `json:"certManager"`
	// CSRs are the CertificateSigningRequests that are not issued: pending, denied or failed,
	// sorted by name.
	CSRs []CSR `json:"csrs"`
}

// Certificate is one X.509 certificate, and where it was found.
type Certificate struct {
	// Source is what holds it: apiserver-serving, kubeconfig-client, webhook-ca,
	// apiservice-ca, crd-conversion-ca or root-ca.
	Source string `json:"source"`
	// Kind, APIVersion, Namespace and Name name the object that holds it (Kind "Cluster" for
	// the API server's serving chain and the kubeconfig's client certificate, named after
	// the cluster); Field is the field, e.g. "webhooks[name=x].clientConfig.caBundle".
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Field      string `json:"field"`
	// Index is the certificate's place in its bundle or chain (0 first: the leaf of a chain).
	Index int `json:"index"`
	// ParseError is set when the bundle (or this block of it) cannot be read; the other
	// fields below are then empty.
	ParseError string `json:"parseError,omitempty"`
	SubjectCN  string `json:"subjectCN,omitempty"`
	IssuerCN   string `json:"issuerCN,omitempty"`
	// NotBefore and NotAfter bound the validity (UTC); nil when ParseError is set.
	NotBefore *time.Time `json:"notBefore,omitempty"`
	NotAfter  *time.Time `json:"notAfter,omitempty"`
	IsCA      bool       `json:"isCA"`
	// SelfSigned: the issuer is the subject and the certificate's signature checks out with
	// its own key.
	SelfSigned bool `json:"selfSigned"`
	// KeyType is RSA, ECDSA, Ed25519 or unknown; KeyBits the key size (RSA modulus bits,
	// ECDSA curve bits, 256 for Ed25519).
	KeyType string `json:"keyType,omitempty"`
	KeyBits int    `json:"keyBits,omitempty"`
	// SignatureAlgorithm is Go's name for it, e.g. SHA256-RSA, SHA1-RSA, ECDSA-SHA256.
	SignatureAlgorithm string `json:"signatureAlgorithm,omitempty"`
}

// CertManager is cert-manager's state, when its CRDs are installed.
type CertManager struct {
	// Installed is whether the cluster serves cert-manager.io/v1 Certificates. When false,
	// the lists are empty: that is one fact, not an error.
	Installed    bool                     `json:"installed"`
	Certificates []CertManagerCertificate `json:"certificates"`
	// Issuers are Issuers and ClusterIssuers, sorted by kind, namespace and name.
	Issuers []Issuer `json:"issuers"`
}

// CertManagerCertificate is a cert-manager.io/v1 Certificate's status (its Secret is not read).
type CertManagerCertificate struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// IssuerKind and IssuerName are spec.issuerRef (kind defaults to Issuer).
	IssuerKind string `json:"issuerKind"`
	IssuerName string `json:"issuerName"`
	// Ready is the Ready condition's status: True, False or Unknown (also when missing).
	Ready   string `json:"ready"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// NotAfter and RenewalTime are status.notAfter and status.renewalTime; nil when unset.
	NotAfter    *time.Time `json:"notAfter,omitempty"`
	RenewalTime *time.Time `json:"renewalTime,omitempty"`
}

// Issuer is a cert-manager Issuer or ClusterIssuer's readiness.
type Issuer struct {
	// Kind is Issuer or ClusterIssuer; Namespace is empty for a ClusterIssuer.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Ready is the Ready condition's status: True, False or Unknown (also when missing).
	Ready   string `json:"ready"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// CSR is a certificates.k8s.io/v1 CertificateSigningRequest that was not issued (its request
// and certificate are not kept).
type CSR struct {
	Name       string `json:"name"`
	SignerName string `json:"signerName"`
	// Username is the requester (spec.username).
	Username string `json:"username,omitempty"`
	// State is Pending (no condition yet), Approved (approved, no certificate yet), Denied
	// or Failed.
	State string `json:"state"`
	// CreatedAt is metadata.creationTimestamp (UTC).
	CreatedAt time.Time `json:"createdAt"`
}

// DaysLeft is the whole days from now until t, rounded down (negative once t has passed):
// what the certificate rules compute from collectedAt, so reports and metrics agree with them.
func DaysLeft(t, now time.Time) int {
	d := t.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}
