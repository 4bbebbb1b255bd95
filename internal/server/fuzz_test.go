package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

// The fuzz targets send arbitrary bodies to the gate endpoints of a server that has facts and
// bindings (so that legal moves are allowed) and check that nothing panics, every answer has
// the endpoint's shape, and an allow comes only from a well-formed request that names what
// may be allowed. Seeds: testdata/fuzz/<target>/.

// strictJSON decodes data as exactly one JSON value, as the handlers do.
func strictJSON(data []byte, v any, disallowUnknown bool) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if disallowUnknown {
		dec.DisallowUnknownFields()
	}
	if dec.Decode(v) != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

func FuzzAdmissionReview(f *testing.F) {
	h := newGateServer(f, gateOptions{bindings: euBindings}).GateHandler()
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := post(h, "/validate/clusters", bytes.NewReader(data), int64(len(data)))
		if rec.Code == http.StatusBadRequest || rec.Code == http.StatusRequestEntityTooLarge {
			return
		}
		var out admissionv1.AdmissionReview
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Response == nil {
			t.Fatalf("answer %d %s", rec.Code, rec.Body.String())
		}
		if !out.Response.Allowed {
			if out.Response.Result == nil || out.Response.Result.Message == "" {
				t.Fatalf("a denial without a reason: %s", rec.Body.String())
			}
			return
		}
		var in admissionv1.AdmissionReview
		if !strictJSON(data, &in, false) || in.APIVersion != "admission.k8s.io/v1" || in.Kind != "AdmissionReview" || in.Request == nil ||
			in.Request.UID == "" || in.Request.UID != out.Response.UID {
			t.Fatalf("allowed a request that is no AdmissionReview: %q", data)
		}
		req := in.Request
		switch req.Operation {
		case admissionv1.Delete, admissionv1.Connect:
			return // not gated
		case admissionv1.Create, admissionv1.Update:
		default:
			t.Fatalf("allowed operation %q", req.Operation)
		}
		var obj struct {
			Kind string `json:"kind"`
		}
		if json.Unmarshal(req.Object.Raw, &obj) != nil || (obj.Kind == "" && req.Kind.Kind == "") {
			t.Fatalf("allowed an object it could not read or name: %q", data)
		}
	})
}

// hookRequestShape is the part of a BeforeClusterUpgradeRequest an allow depends on.
type hookRequestShape struct {
	Cluster struct {
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	} `json:"cluster"`
	ToKubernetesVersion string `json:"toKubernetesVersion"`
}

func FuzzHookRequest(f *testing.F) {
	h := newGateServer(f, gateOptions{bindings: euBindings}).GateHandler()
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := post(h, hookPath, bytes.NewReader(data), int64(len(data)))
		if rec.Code == http.StatusRequestEntityTooLarge {
			return
		}
		var out struct {
			APIVersion        string `json:"apiVersion"`
			Kind              string `json:"kind"`
			Status            string `json:"status"`
			Message           string `json:"message"`
			RetryAfterSeconds int    `json:"retryAfterSeconds"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Kind != "BeforeClusterUpgradeResponse" ||
			(out.Status != "Success" && out.Status != "Failure") || out.Message == "" {
			t.Fatalf("answer %d %s", rec.Code, rec.Body.String())
		}
		if out.Status == "Failure" || out.RetryAfterSeconds > 0 {
			return // the upgrade is held
		}
		var in hookRequestShape
		if !strictJSON(data, &in, false) {
			t.Fatalf("let an upgrade go on a request that is not JSON: %q", data)
		}
		if in.Cluster.Metadata.Namespace != "capi" || in.Cluster.Metadata.Name != "eu" {
			t.Fatalf("let an upgrade of an unbound Cluster %s/%s go: %q", in.Cluster.Metadata.Namespace, in.Cluster.Metadata.Name, data)
		}
		if _, err := policy.ParseRelease(in.ToKubernetesVersion); err != nil {
			t.Fatalf("let an upgrade to %q go: %v", in.ToKubernetesVersion, err)
		}
	})
}

func FuzzGateRequest(f *testing.F) {
	h := newGateServer(f, gateOptions{}).GateHandler()
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := post(h, "/v1/gate", bytes.NewReader(data), int64(len(data)))
		var errBody struct {
			Error string `json:"error"`
		}
		switch rec.Code {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if json.Unmarshal(rec.Body.Bytes(), &errBody) != nil || errBody.Error == "" {
				t.Fatalf("a refusal without a JSON error: %d %s", rec.Code, rec.Body.String())
			}
			return
		default:
			t.Fatalf("answer %d %s", rec.Code, rec.Body.String())
		}
		var in server.GateRequest
		if !strictJSON(data, &in, true) {
			t.Fatalf("decided on a request that is no GateRequest: %q", data)
		}
		var out server.GateResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer: %v %s", err, rec.Body.String())
		}
		if !out.Allowed {
			return
		}
		if len(out.Decisions) == 0 {
			t.Fatalf("allowed without a decision: %q", data)
		}
		for _, d := range out.Decisions {
			if !d.Allowed || !slices.Contains([]string{"prod-eu", "staging"}, d.Cluster) {
				t.Fatalf("allowed with decision %+v: %q", d, data)
			}
		}
	})
}
