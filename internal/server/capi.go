package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
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
	// hookTimeoutSeconds is the handler's timeout announced at discovery: Cluster API gives
	// up on a call after it (and sends it as ?timeout=).
	hookTimeoutSeconds = 10
	// ClusterAnnotation and ProfileAnnotation on a Cluster object are hints only: which fleet
	// cluster and profile apply comes from the bindings, and an object whose annotation
	// names another is denied (so nobody mistakes the annotation for a choice).
	ClusterAnnotation = "fleetaudit.io/cluster"
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
	h := hookHandler{Name: HandlerName, TimeoutSeconds: hookTimeoutSeconds, FailurePolicy: "Fail"}
	h.RequestHook.APIVersion, h.RequestHook.Hook = hooksGroupVersion, "BeforeClusterUpgrade"
	writeJSON(w, http.StatusOK, discoveryResponse{
		hookObject: hookObject{APIVersion: hooksGroupVersion, Kind: "DiscoveryResponse"},
		Status:     "Success", Handlers: []hookHandler{h},
	})
}

func (s *Server) serveBeforeClusterUpgrade(w http.ResponseWriter, r *http.Request) {
	resp := beforeClusterUpgradeResponse{hookObject: hookObject{APIVersion: hooksGroupVersion, Kind: "BeforeClusterUpgradeResponse"}}
	body, err := io.ReadAll(r.Body) // kept to forward as it came
	if tooLarge(err) {
		writeTooLarge(w)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req beforeClusterUpgradeRequest
	if err := readJSON(r, &req, false); err != nil {
		if tooLarge(err) {
			writeTooLarge(w)
			return
		}
		resp.Status, resp.Message = "Failure", "fleetaudit: bad BeforeClusterUpgradeRequest: "+err.Error()
		writeJSON(w, http.StatusOK, resp)
		return
	}
	var m boundMove
	if req.ToKubernetesVersion == "" {
		err = fmt.Errorf("the request names no toKubernetesVersion")
	} else {
		m, err = s.bound(req.Cluster.Metadata.Namespace, req.Cluster.Metadata.Name, req.Cluster.Metadata.Annotations, req.ToKubernetesVersion)
	}
	if err != nil {
		resp.Status, resp.Message = "Failure", "fleetaudit: "+err.Error()
		writeJSON(w, http.StatusOK, resp)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.budget(r, hookTimeoutSeconds*time.Second))
	defer cancel()
	if owner, ok := s.notOwned(m.cluster); ok {
		s.forwardHook(ctx, w, r, body, owner, m.cluster, resp)
		return
	}
	d, err := s.decideBound(ctx, m, req.ToKubernetesVersion, "hook", "Cluster "+req.Cluster.Metadata.Namespace+"/"+req.Cluster.Metadata.Name)
	if err != nil {
		// No slot or no time: hold the upgrade and have Cluster API ask again (fail closed).
		resp.Status, resp.Message, resp.RetryAfterSeconds = "Success", "fleetaudit: "+s.busyMessage(err), BusyRetryAfterSeconds
		writeJSON(w, http.StatusOK, resp)
		return
	}
	resp.Status, resp.Message = "Success", d.Message()
	if !d.Allowed {
		resp.RetryAfterSeconds = RetryAfterSeconds
	} else if ws := admissionWarnings(d); len(ws) > 0 {
		resp.Message += "; warnings: " + strings.Join(ws, "; ")
	}
	writeJSON(w, http.StatusOK, resp)
}
