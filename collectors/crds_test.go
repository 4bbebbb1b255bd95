package collectors

import (
	"reflect"
	"testing"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

func TestCRDFactsAndTrim(t *testing.T) {
	schema := &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object", Description: "large"}}
	crd := &apiextv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "certificates.cert-manager.io", Annotations: map[string]string{"kubectl.kubernetes.io/last-applied-configuration": "{…}"}},
		Spec: apiextv1.CustomResourceDefinitionSpec{Group: "cert-manager.io", Names: apiextv1.CustomResourceDefinitionNames{Kind: "Certificate", Plural: "certificates"},
			Versions: []apiextv1.CustomResourceDefinitionVersion{
				{Name: "v1alpha2", Served: false, Schema: schema},
				{Name: "v1beta1", Served: true, Schema: schema},
				{Name: "v1", Served: true, Storage: true, Schema: schema},
			}},
		Status: apiextv1.CustomResourceDefinitionStatus{StoredVersions: []string{"v1alpha2", "v1"}, Conditions: []apiextv1.CustomResourceDefinitionCondition{{Type: "Established"}}},
	}
	want := facts.CRD{Name: "certificates.cert-manager.io", Group: "cert-manager.io", Kind: "Certificate",
		ServedVersions: []string{"v1beta1", "v1"}, StoredVersions: []string{"v1alpha2", "v1"}}
	if got := CRDFacts(crd); !reflect.DeepEqual(got, want) {
		t.Fatalf("CRDFacts = %+v, want %+v", got, want)
	}
	trimCRD(crd)
	if got := CRDFacts(crd); !reflect.DeepEqual(got, want) {
		t.Errorf("after trim, CRDFacts = %+v, want %+v", got, want)
	}
	if crd.Spec.Versions[0].Schema != nil || crd.Annotations != nil || crd.Status.Conditions != nil {
		t.Errorf("trim kept schemas, annotations or conditions: %+v", crd)
	}
	empty := CRDFacts(&apiextv1.CustomResourceDefinition{})
	if empty.StoredVersions == nil || empty.ServedVersions == nil {
		t.Error("empty version lists must be [] for Rego, not null")
	}
}
