package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

var collected = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// readyFacts is a cluster at v1.34.2 that may move to v1.35, with one risk below the
// profile's blocking severity (a single-replica Deployment, low).
func readyFacts(name string) *facts.Cluster {
	v := func(s string) *facts.Version { x, _ := facts.ParseVersion(s); return x }
	return &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: name, CollectedAt: collected, Version: v("v1.34.2"),
		Nodes:      []facts.Node{{Name: "n1", Ready: "True", KubeletVersion: v("v1.34.2"), Allocatable: facts.Resources{CPUMillis: 8000, MemoryBytes: 16 << 30}}},
		Usage:      &facts.Usage{Source: "unavailable"},
		Upgrade:    &facts.Upgrade{Workloads: []facts.ReplicaWorkload{{Namespace: "web", Kind: "Deployment", Name: "api", Replicas: 1, ReadyReplicas: 1}}},
		Collection: []facts.CollectorRun{{Collector: "cluster"}, {Collector: "usage"}, {Collector: "upgrade"}}}
}

func mustProfile(t testing.TB, doc string) *profile.Profile {
	t.Helper()
	p, err := profile.Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	platform = `apiVersion: fleetaudit.io/v1alpha1
kind: ClusterProfile
metadata: {name: platform}
spec:
  version: 2.0.0
  kubernetesVersion: v1.35.0
  selector: {clusters: ["*"]}
`
	edge = `apiVersion: fleetaudit.io/v1alpha1
kind: ClusterProfile
metadata: {name: edge}
spec:
  version: 1.0.0
  kubernetesVersion: v1.36.0
  requirements: {blockingSeverity: critical}
  selector: {clusters: ["*"]}
`
)

func gateServer(t *testing.T, b *binding.Bindings) http.Handler {
	t.Helper()
	return gateServerWith(t, b, nil)
}

func gateServerWith(t *testing.T, b *binding.Bindings, log *server.DecisionLog) http.Handler {
	t.Helper()
	return newGateServer(t, gateOptions{bindings: b, decisions: log}).GateHandler()
}

// gateOptions configure newGateServer.
type gateOptions struct {
	bindings  *binding.Bindings
	decisions *server.DecisionLog
	limits    server.Limits
	ruleDirs  []string // beside the embedded rules
}

// newGateServer is a server that has audited the clusters prod-eu and staging (both ready to
// move from v1.34.2 to v1.35).
func newGateServer(t testing.TB, o gateOptions) *server.Server {
	t.Helper()
	engine, err := policy.New(context.Background(), policy.Options{Dirs: o.ruleDirs})
	if err != nil {
		t.Fatal(err)
	}
	jobs := []fleet.Job{}
	for _, name := range []string{"prod-eu", "staging"} {
		jobs = append(jobs, fleet.Job{Name: name, Facts: func(context.Context, fleet.FinalFunc) *facts.Cluster { return readyFacts(name) }})
	}
	// platform@1.9.0 is the version for the 1.34 the clusters run, 2.0.0 the one for 1.35.
	// 1.8.0 for 1.33 and 2.1.0 for 1.36 let tests reach the non-waivable checks of such moves.
	version := func(v, k8s string) *profile.Profile {
		return mustProfile(t, strings.NewReplacer("version: 2.0.0", "version: "+v, "v1.35.0", k8s).Replace(platform))
	}
	srv := server.New(server.Config{Engine: engine, Profiles: []*profile.Profile{version("1.8.0", "v1.33.5"), version("1.9.0", "v1.34.2"),
		mustProfile(t, platform), version("2.1.0", "v1.36.0"), mustProfile(t, edge)},
		Bindings: o.bindings, Decisions: o.decisions, Limits: o.limits, Jobs: func() ([]fleet.Job, error) { return jobs, nil },
		Now: func() time.Time { return collected.Add(time.Minute) }})
	if err := srv.AuditOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv
}

func clusterJSON(ns, name, version string, annotations map[string]string) runtime.RawExtension {
	obj := map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
		"metadata": map[string]any{"name": name, "namespace": ns, "annotations": annotations},
		"spec":     map[string]any{"topology": map[string]any{"class": "standard", "version": version}}}
	b, _ := json.Marshal(obj)
	return runtime.RawExtension{Raw: b}
}

// reviewType is what the API server sends as an AdmissionReview's apiVersion and kind.
var reviewType = metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}

func review(t *testing.T, h http.Handler, op admissionv1.Operation, obj, old runtime.RawExtension) *admissionv1.AdmissionResponse {
	t.Helper()
	body, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: reviewType, Request: &admissionv1.AdmissionRequest{UID: "u1", Operation: op, Object: obj, OldObject: old}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate/clusters", bytes.NewReader(body)))
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil || out.Response.UID != "u1" {
		t.Fatalf("answer %d %s: %v", rec.Code, rec.Body.String(), err)
	}
	return out.Response
}

// TestAdmissionTakesClusterAndProfileFromBindings: the object's annotations choose nothing;
// unbound objects and clusters are denied with how to bind them; an allowed move carries its
// risks and overrides as warnings.
func TestAdmissionTakesClusterAndProfileFromBindings(t *testing.T) {
	b := &binding.Bindings{File: "bindings.yaml",
		Profiles: []binding.ProfileBinding{{Clusters: []string{"prod-*"}, Profile: "platform",
			Overrides: []binding.Override{{Requirements: profile.Requirements{MaxFactsAge: "30m"}, Reason: "audited every 10 minutes"}}}},
		ClusterObjects: []binding.ObjectBinding{{Object: "capi/eu", Cluster: "prod-eu"}, {Object: "capi/stg", Cluster: "staging"}}}
	h := gateServer(t, b)
	old := clusterJSON("capi", "eu", "v1.34.2", nil)
	for _, tc := range []struct {
		name    string
		op      admissionv1.Operation
		obj     runtime.RawExtension
		allowed bool
		want    string
	}{
		{"legal one-minor move", admissionv1.Update, clusterJSON("capi", "eu", "v1.35.0", nil), true, ""},
		{"lenient profile asked for by annotation", admissionv1.Update, clusterJSON("capi", "eu", "v1.36.0", map[string]string{server.ProfileAnnotation: "edge"}), false,
			"asks for profile edge (annotation fleetaudit.io/profile) but prod-eu is bound to platform@2.1.0: an object cannot choose its profile"},
		{"the bound profile named by annotation", admissionv1.Update, clusterJSON("capi", "eu", "v1.35.0", map[string]string{server.ProfileAnnotation: "platform"}), true, ""},
		{"another cluster's facts asked for by annotation", admissionv1.Update, clusterJSON("capi", "eu", "v1.35.0", map[string]string{server.ClusterAnnotation: "staging"}), false,
			"says it is staging (annotation fleetaudit.io/cluster) but is bound to prod-eu"},
		{"two minors at once", admissionv1.Update, clusterJSON("capi", "eu", "v1.36.0", nil), false, "non-waivable minor-jump"},
		{"object bound to no fleet cluster", admissionv1.Update, clusterJSON("other", "eu", "v1.35.0", nil), false,
			"the Cluster other/eu is bound to no fleet cluster: add {object: other/eu, cluster: FLEET-CLUSTER} to clusterObjects in bindings.yaml"},
		{"fleet cluster bound to no profile", admissionv1.Update, clusterJSON("capi", "stg", "v1.35.0", nil), false, "cluster staging is bound to no profile"},
		{"created at its profile's minor", admissionv1.Create, clusterJSON("capi", "eu", "v1.35.1", nil), true, ""},
		{"created at a minor no profile version is for", admissionv1.Create, clusterJSON("capi", "eu", "v1.37.0", nil), false, "prod-eu: no version of its profile platform is for Kubernetes 1.37: add one to the catalog"},
		{"created at a version that is no release", admissionv1.Create, clusterJSON("capi", "eu", "v1.35", nil), false, "is not a Kubernetes release"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o runtime.RawExtension
			if tc.op == admissionv1.Update {
				o = old
			}
			resp := review(t, h, tc.op, tc.obj, o)
			msg := ""
			if resp.Result != nil {
				msg = resp.Result.Message
			}
			if resp.Allowed != tc.allowed || !strings.Contains(msg, tc.want) {
				t.Fatalf("allowed %v (want %v), message %q, want %q", resp.Allowed, tc.allowed, msg, tc.want)
			}
			if tc.name == "legal one-minor move" {
				w := strings.Join(resp.Warnings, "\n")
				if !strings.Contains(w, "fleetaudit override: maxFactsAge=30m: audited every 10 minutes") ||
					!strings.Contains(w, "FA-UPG-005 low: Deployment web/api runs a single replica") {
					t.Errorf("warnings of an allowed move: %q", resp.Warnings)
				}
			}
		})
	}
	// Without bindings nothing moves (fail closed), and the answer says how to bind.
	resp := review(t, gateServer(t, nil), admissionv1.Update, clusterJSON("capi", "eu", "v1.35.0", nil), old)
	if resp.Allowed || !strings.Contains(resp.Result.Message, "no bindings are configured") || !strings.Contains(resp.Result.Message, "--bindings FILE") {
		t.Errorf("no bindings: %+v", resp.Result)
	}
}

// TestAdmissionBadInput: malformed reviews get a clear 400, never an allow or a crash.
func TestAdmissionBadInput(t *testing.T) {
	h := gateServer(t, nil)
	for _, body := range []string{"", "{", `{"request": null}`, `[]`, strings.Repeat("x", 1<<10)} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate/clusters", strings.NewReader(body)))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "AdmissionReview") {
			t.Errorf("%q: %d %s", body, rec.Code, rec.Body.String())
		}
	}
	resp := review(t, h, admissionv1.Update, runtime.RawExtension{Raw: []byte(`{"metadata": 7}`)}, clusterJSON("capi", "eu", "v1.34.2", nil))
	if resp.Allowed || resp.Result.Message != "fleetaudit: cannot read the object: metadata is a JSON number, which is not what a Cluster API object has there" {
		t.Errorf("malformed object: %+v", resp)
	}
}

func ownedJSON(kind, ns, name, owner, version string) runtime.RawExtension {
	spec := map[string]any{"version": version}
	if kind == "MachineDeployment" || kind == "MachineSet" || kind == "MachinePool" {
		spec = map[string]any{"clusterName": owner, "template": map[string]any{"spec": map[string]any{"version": version}}}
	}
	obj := map[string]any{"kind": kind, "metadata": map[string]any{"name": name, "namespace": ns,
		"labels": map[string]any{server.ClusterNameLabel: owner}}, "spec": spec}
	b, _ := json.Marshal(obj)
	return runtime.RawExtension{Raw: b}
}

func rebaseJSON(class string) runtime.RawExtension {
	return rebaseIn("eu", map[string]any{"class": class, "version": "v1.34.2"})
}

func rebaseIn(name string, topology map[string]any) runtime.RawExtension {
	obj := map[string]any{"kind": "Cluster", "metadata": map[string]any{"name": name, "namespace": "capi"},
		"spec": map[string]any{"topology": topology}}
	b, _ := json.Marshal(obj)
	return runtime.RawExtension{Raw: b}
}

// TestAdmissionGatesEveryVersionSetter: clusters without a managed topology upgrade through
// their KubeadmControlPlane and MachineDeployments, and a ClusterClass rebase rolls machines;
// each is judged, and the owner label that ties them to a bound Cluster cannot be changed.
func TestAdmissionGatesEveryVersionSetter(t *testing.T) {
	b := &binding.Bindings{File: "bindings.yaml",
		Profiles:       []binding.ProfileBinding{{Clusters: []string{"prod-*"}, Profile: "platform"}},
		ClusterObjects: []binding.ObjectBinding{{Object: "capi/eu", Cluster: "prod-eu"}}}
	h := gateServer(t, b)
	for _, tc := range []struct {
		name     string
		obj, old runtime.RawExtension
		allowed  bool
		want     string
	}{
		{"control plane one minor up", ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "eu", "v1.35.0"), ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "eu", "v1.34.2"), true, ""},
		{"control plane two minors up", ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "eu", "v1.36.0"), ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "eu", "v1.34.2"), false, "non-waivable minor-jump"},
		{"control plane moved to another cluster", ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "us", "v1.35.0"), ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "eu", "v1.34.2"), false,
			`the cluster KubeadmControlPlane capi/eu-cp belongs to cannot change (from "eu" to "us")`},
		{"control plane of an unbound cluster", ownedJSON("KubeadmControlPlane", "capi", "x-cp", "x", "v1.35.0"), ownedJSON("KubeadmControlPlane", "capi", "x-cp", "x", "v1.34.2"), false, "the Cluster capi/x is bound to no fleet cluster"},
		{"control plane without owner label", ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "", "v1.35.0"), ownedJSON("KubeadmControlPlane", "capi", "eu-cp", "", "v1.34.2"), false, "names no cluster (spec.clusterName, a controlling Cluster owner reference or the cluster.x-k8s.io/cluster-name label)"},
		{"workers at the control plane's version", ownedJSON("MachineDeployment", "capi", "eu-md", "eu", "v1.34.2"), ownedJSON("MachineDeployment", "capi", "eu-md", "eu", "v1.33.0"), true, ""},
		{"workers newer than the control plane", ownedJSON("MachineDeployment", "capi", "eu-md", "eu", "v1.35.0"), ownedJSON("MachineDeployment", "capi", "eu-md", "eu", "v1.34.2"), false,
			"would run kubelet v1.35.0, newer than the control plane v1.34.2 of prod-eu"},
		{"workers too far behind", ownedJSON("MachineDeployment", "capi", "eu-md", "eu", "v1.30.1"), ownedJSON("MachineDeployment", "capi", "eu-md", "eu", "v1.34.2"), false, "4 minors behind the control plane v1.34.2"},
		{"ClusterClass rebase of a ready cluster", rebaseJSON("standard-v2"), rebaseJSON("standard"), true, ""},
		{"ClusterClass rebase of an unbound cluster", rebaseIn("other", map[string]any{"class": "standard-v2", "version": "v1.34.2"}),
			rebaseIn("other", map[string]any{"class": "standard", "version": "v1.34.2"}), false, "the Cluster capi/other is bound to no fleet cluster"},
		{"ClusterClass rebase through classNamespace (v1beta1)", rebaseIn("other", map[string]any{"class": "standard", "classNamespace": "shared", "version": "v1.34.2"}),
			rebaseIn("other", map[string]any{"class": "standard", "version": "v1.34.2"}), false, "bound to no fleet cluster"},
		{"ClusterClass rebase through classRef (v1beta2)", rebaseIn("other", map[string]any{"classRef": map[string]any{"name": "standard-v2"}, "version": "v1.34.2"}),
			rebaseIn("other", map[string]any{"classRef": map[string]any{"name": "standard"}, "version": "v1.34.2"}), false, "bound to no fleet cluster"},
		{"machine pool newer than the control plane", ownedJSON("MachinePool", "capi", "eu-mp", "eu", "v1.36.0"), ownedJSON("MachinePool", "capi", "eu-mp", "eu", "v1.34.2"), false,
			"MachinePool capi/eu-mp would run kubelet v1.36.0, newer than the control plane v1.34.2"},
		{"machine set moved to another cluster", ownedJSON("MachineSet", "capi", "eu-ms", "us", "v1.34.2"), ownedJSON("MachineSet", "capi", "eu-ms", "eu", "v1.33.0"), false,
			`the cluster MachineSet capi/eu-ms belongs to cannot change (from "eu" to "us")`},
		{"unrelated kind", runtime.RawExtension{Raw: []byte(`{"kind": "ConfigMap", "metadata": {"name": "x"}}`)}, runtime.RawExtension{Raw: []byte(`{"kind": "ConfigMap"}`)}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := review(t, h, admissionv1.Update, tc.obj, tc.old)
			msg := ""
			if resp.Result != nil {
				msg = resp.Result.Message
			}
			if resp.Allowed != tc.allowed || !strings.Contains(msg, tc.want) {
				t.Fatalf("allowed %v (want %v), message %q, want %q", resp.Allowed, tc.allowed, msg, tc.want)
			}
		})
	}
}

// TestDecisionHistoryAndRollback: the webhook records its decisions (not dry runs) in the
// history folder, and a move back to a patch the history shows the cluster was let move to
// before is allowed as a rollback, saying so; a move back across a minor stays denied.
func TestDecisionHistoryAndRollback(t *testing.T) {
	dir := t.TempDir()
	log, err := server.NewDecisionLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Record(server.DecisionRecord{Time: collected.Add(-48 * time.Hour), Cluster: "prod-eu", Object: "Cluster capi/eu",
		Source: "webhook", Profile: "platform@1.9.0", Target: "v1.34.1", Allowed: true}); err != nil {
		t.Fatal(err)
	}
	b := &binding.Bindings{File: "bindings.yaml", Profiles: []binding.ProfileBinding{{Clusters: []string{"prod-*"}, Profile: "platform"}},
		ClusterObjects: []binding.ObjectBinding{{Object: "capi/eu", Cluster: "prod-eu"}}}
	h := gateServerWith(t, b, log)
	old := clusterJSON("capi", "eu", "v1.34.2", nil)
	resp := review(t, h, admissionv1.Update, clusterJSON("capi", "eu", "v1.34.1", nil), old)
	if !resp.Allowed || len(resp.Warnings) == 0 || !strings.Contains(resp.Warnings[0], "rollback: prod-eu was let move to v1.34.1 (platform@1.9.0) before, on") {
		t.Fatalf("patch rollback: allowed %v, warnings %q", resp.Allowed, resp.Warnings)
	}
	resp = review(t, h, admissionv1.Update, clusterJSON("capi", "eu", "v1.33.9", nil), old)
	if resp.Allowed || !strings.Contains(resp.Result.Message, "non-waivable minor-downgrade") {
		t.Fatalf("minor rollback must stay denied: %+v", resp.Result)
	}
	// A dry run is judged but not recorded.
	dry := true
	body, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: reviewType, Request: &admissionv1.AdmissionRequest{UID: "d", Operation: admissionv1.Update, DryRun: &dry,
		Object: clusterJSON("capi", "eu", "v1.35.0", nil), OldObject: old}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate/clusters", bytes.NewReader(body)))
	raw, err := os.ReadFile(filepath.Join(dir, "prod-eu.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"targetVersion":"v1.34.1","allowed":true`) || !strings.Contains(lines[2], `"targetVersion":"v1.33.9","allowed":false`) {
		t.Fatalf("history:\n%s", raw)
	}
	allowed, err := log.Allowed("prod-eu")
	if err != nil || len(allowed) != 2 {
		t.Errorf("allowed moves %d %v", len(allowed), err)
	}
}

// TestAdmissionRequestMustNameTheObject: a review whose request names another object than
// the one it carries is refused.
func TestAdmissionRequestMustNameTheObject(t *testing.T) {
	h := gateServer(t, nil)
	body, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: reviewType, Request: &admissionv1.AdmissionRequest{UID: "u1", Operation: admissionv1.Update,
		Namespace: "capi", Name: "staging", Object: clusterJSON("capi", "eu", "v1.35.0", nil), OldObject: clusterJSON("capi", "eu", "v1.34.2", nil)}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate/clusters", bytes.NewReader(body)))
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil || out.Response.Allowed ||
		!strings.Contains(out.Response.Result.Message, "the request is for  capi/staging but its object is Cluster capi/eu") {
		t.Fatalf("%s", rec.Body.String())
	}
}

// TestGateRequestBounded: duplicate clusters are decided once, and a request for more than
// a thousand clusters is refused before any work.
func TestGateRequestBounded(t *testing.T) {
	h := gateServer(t, nil)
	post := func(req server.GateRequest) (int, server.GateResponse) {
		body, _ := json.Marshal(req)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/gate", bytes.NewReader(body)))
		var out server.GateResponse
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	dup := make([]string, 500)
	for i := range dup {
		dup[i] = "prod-eu"
	}
	if code, out := post(server.GateRequest{Profile: "platform", Clusters: dup}); code != http.StatusOK || len(out.Decisions) != 1 {
		t.Errorf("500 copies of one cluster: %d, %d decisions", code, len(out.Decisions))
	}
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("c%d", i)
	}
	if code, _ := post(server.GateRequest{Profile: "platform", Clusters: many}); code != http.StatusBadRequest {
		t.Errorf("1001 clusters: %d, want 400", code)
	}
}
