package pricing

import "strings"

// This file is the pricing API the cost collector uses (issue 18). The functions here are
// first, minimal implementations; the pricing work replaces their bodies (generated
// tables, per-family discounts, import formats) without changing the signatures.

// Family is the instance family of an instance type: "m5" for m5.large, "n2-standard" for
// n2-standard-8, "Standard_D_v5" for Standard_D4s_v5 (Azure: the series with its version).
func Family(instanceType string) string {
	if fam, _, ok := strings.Cut(instanceType, "."); ok { // AWS
		return fam
	}
	if i := strings.LastIndex(instanceType, "-"); i > 0 && !strings.HasPrefix(instanceType, "Standard_") { // GCP
		return instanceType[:i]
	}
	return instanceType
}

// SpotDiscount is the documented fallback discount off on-demand for spot capacity of a
// provider's instance family, used when no spot price is known; ok is false when the table
// has no discount for it (then the caller's configured default applies).
func (t *Table) SpotDiscount(provider, family string) (discount float64, source string, ok bool) {
	return 0, "", false
}

// StorageRow is the monthly price per GiB of a storage class's volumes.
type StorageRow struct {
	Provider string `json:"provider"`
	// Class is the storage type the price is for ("gp3", "pd-balanced", "managed-csi", …),
	// matched against the StorageClass name and its parameters' type.
	Class         string  `json:"class"`
	MonthlyPerGiB float64 `json:"monthly_per_gib"`
	Source        string  `json:"source"`
	Date          string  `json:"date"`
}

// Storage prices a volume of a StorageClass: by the class name, then by its provisioner's
// type parameter (the "type" or "skuName" of the class's parameters).
func (t *Table) Storage(className, paramType string) (StorageRow, bool) {
	return StorageRow{}, false
}

// LoadBalancer is the hourly price of one cloud load balancer of a provider ("aws", "gcp",
// "azure"), with its source.
func (t *Table) LoadBalancer(provider string) (hourly float64, source string, ok bool) {
	return 0, "", false
}

// Provider tells the cloud provider of a node from its providerID ("aws:///…",
// "gce://…", "azure://…"), or "".
func Provider(providerID string) string {
	switch {
	case strings.HasPrefix(providerID, "aws://"):
		return "aws"
	case strings.HasPrefix(providerID, "gce://"):
		return "gcp"
	case strings.HasPrefix(providerID, "azure://"):
		return "azure"
	}
	return ""
}

// UnitPrices are per-resource hourly prices (OpenCost custom-pricing style) that price a
// node whose instance type has no row: CPU per vCPU-hour, RAM per GiB-hour, GPU per
// GPU-hour, with spot variants.
type UnitPrices struct {
	CPU, RAM, GPU          float64
	SpotCPU, SpotRAM       float64
	Currency, Source, Date string
}

// Units returns the table's unit prices, when a custom-pricing file gave some.
func (t *Table) Units() (UnitPrices, bool) { return UnitPrices{}, false }

// Currency is the currency of the table's prices ("USD" for the embedded table).
func (t *Table) Currency() string { return "USD" }
