package collectors

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// listCRDs lists apiextensions.k8s.io/v1 CustomResourceDefinitions through the clientset's
// REST client (one page per call: limit and continue), so no second clientset is needed.
func listCRDs(t Target) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
	return listRaw(t, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", func(b []byte) (runtime.Object, error) {
		var l apiextv1.CustomResourceDefinitionList
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, fmt.Errorf("decode CustomResourceDefinitionList: %w", err)
		}
		return &l, nil
	})
}

// trimCRD keeps of a CRD what CRDFacts reads: its name, group, kind, each version's name and
// served flag, and status.storedVersions; and its conversion webhook's caBundle for the
// certificates collector. Schemas (often hundreds of kilobytes) go first.
func trimCRD(o runtime.Object) {
	c := o.(*apiextv1.CustomResourceDefinition)
	trimMeta(&c.ObjectMeta)
	c.Annotations, c.Labels = nil, nil
	c.Spec.Conversion = trimConversion(c.Spec.Conversion)
	c.Spec.Names = apiextv1.CustomResourceDefinitionNames{Kind: c.Spec.Names.Kind}
	for i := range c.Spec.Versions {
		v := &c.Spec.Versions[i]
		*v = apiextv1.CustomResourceDefinitionVersion{Name: v.Name, Served: v.Served, Storage: v.Storage}
	}
	c.Status = apiextv1.CustomResourceDefinitionStatus{StoredVersions: c.Status.StoredVersions}
}

// trimConversion keeps of a CRD's conversion only its webhook's caBundle (the certificates
// collector reads it); nil when there is none.
func trimConversion(c *apiextv1.CustomResourceConversion) *apiextv1.CustomResourceConversion {
	if c == nil || c.Webhook == nil || c.Webhook.ClientConfig == nil || len(c.Webhook.ClientConfig.CABundle) == 0 {
		return nil
	}
	return &apiextv1.CustomResourceConversion{Strategy: c.Strategy,
		Webhook: &apiextv1.WebhookConversion{ClientConfig: &apiextv1.WebhookClientConfig{CABundle: c.Webhook.ClientConfig.CABundle}}}
}

// CRDFacts converts a CustomResourceDefinition: its group and kind, the versions it serves
// and status.storedVersions, the versions objects may still be stored in.
func CRDFacts(c *apiextv1.CustomResourceDefinition) facts.CRD {
	f := facts.CRD{Name: c.Name, Group: c.Spec.Group, Kind: c.Spec.Names.Kind,
		ServedVersions: []string{}, StoredVersions: slices.Clone(c.Status.StoredVersions)}
	for _, v := range c.Spec.Versions {
		if v.Served {
			f.ServedVersions = append(f.ServedVersions, v.Name)
		}
	}
	if f.StoredVersions == nil {
		f.StoredVersions = []string{}
	}
	return f
}

// sortCRDs orders CRD facts by name.
func sortCRDs(crds []facts.CRD) {
	slices.SortFunc(crds, func(a, b facts.CRD) int { return cmp.Compare(a.Name, b.Name) })
}
