package server

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// The Cluster API runtime extension (hooks.runtime.cluster.x-k8s.io/v1alpha1): discovery and
// BeforeClusterUpgrade. A denied upgrade answers Success with retryAfterSeconds > 0, which
// blocks the upgrade and has Cluster API ask again later.
const (
	hooksGroupVersion = "hooks.runtime.cluster.x-k8s.io/v1alpha1"
	hooksPrefix       = "/" + hooksGroupVersion
	// HandlerName is the name of the BeforeClusterUpgrade handler.
	HandlerName = "fleetaudit-gate"
	// RetryAfterSeconds is how long Cluster API waits before asking again after a denial.
	RetryAfterSeconds = 60
	// ClusterAnnotation on a Cluster object names its cluster in the fleet (default: its name).
	ClusterAnnotation = "fleetaudit.io/cluster"
	// ProfileAnnotation on a Cluster object names the profile to gate it with.
	ProfileAnnotation = "fleetaudit.io/profile"
)

type hookObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

type hookHandler struct {
	Name        string `json:"name"`
	RequestHook struct {
		APIVersion string `json:"apiVersion"`
		Hook       string `json:"hook"`
	} `json:"requestHook"`
	TimeoutSeconds int32  `json:"timeoutSeconds"`
	FailurePolicy  string `json:"failurePolicy"`
}

type discoveryResponse struct {
	hookObject
	Status   string        `json:"status"`
	Message  string        `json:"message,omitempty"`
	Handlers []hookHandler `json:"handlers"`
}

// clusterObject is the part of a cluster.x-k8s.io Cluster the gate reads.
type clusterObject struct {
	Metadata struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Topology *struct {
			Version string `json:"version"`
		} `json:"topology"`
	} `json:"spec"`
}

func (c clusterObject) fleetName() string {
	if n := c.Metadata.Annotations[ClusterAnnotation]; n != "" {
		return n
	}
	return c.Metadata.Name
}

type beforeClusterUpgradeRequest struct {
	hookObject
	Settings              map[string]string `json:"settings,omitempty"`
	Cluster               clusterObject     `json:"cluster"`
	FromKubernetesVersion string            `json:"fromKubernetesVersion"`
	ToKubernetesVersion   string            `json:"toKubernetesVersion"`
}

type beforeClusterUpgradeResponse struct {
	hookObject
	Status            string `json:"status"`
	Message           string `json:"message,omitempty"`
	RetryAfterSeconds int32  `json:"retryAfterSeconds"`
}

func (s *Server) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	h := hookHandler{Name: HandlerName, TimeoutSeconds: 10, FailurePolicy: "Fail"}
	h.RequestHook.APIVersion, h.RequestHook.Hook = hooksGroupVersion, "BeforeClusterUpgrade"
	writeJSON(w, http.StatusOK, discoveryResponse{
		hookObject: hookObject{APIVersion: hooksGroupVersion, Kind: "DiscoveryResponse"},
		Status:     "Success", Handlers: []hookHandler{h},
	})
}

func (s *Server) serveBeforeClusterUpgrade(w http.ResponseWriter, r *http.Request) {
	resp := beforeClusterUpgradeResponse{hookObject: hookObject{APIVersion: hooksGroupVersion, Kind: "BeforeClusterUpgradeResponse"}}
	var req beforeClusterUpgradeRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&req); err != nil {
		resp.Status, resp.Message = "Failure", "fleetaudit: bad BeforeClusterUpgradeRequest: "+err.Error()
		writeJSON(w, http.StatusOK, resp)
		return
	}
	p, err := s.profileFor(req.Cluster.Metadata.Annotations[ProfileAnnotation])
	if err == nil && req.ToKubernetesVersion != "" {
		p = p.WithTarget(req.ToKubernetesVersion)
		if errs := p.Validate(); len(errs) > 0 {
			err = fmt.Errorf("toKubernetesVersion: %s", errs[0])
		}
	}
	if err != nil {
		resp.Status, resp.Message = "Failure", "fleetaudit: "+err.Error()
		writeJSON(w, http.StatusOK, resp)
		return
	}
	d := s.decide(r.Context(), req.Cluster.fleetName(), p)
	resp.Status, resp.Message = "Success", d.Message()
	if !d.Allowed {
		resp.RetryAfterSeconds = RetryAfterSeconds
	}
	writeJSON(w, http.StatusOK, resp)
}
