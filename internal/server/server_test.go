package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/demo"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/server"
)

func TestHealthAndReadiness(t *testing.T) {
	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Engine: engine, Jobs: demo.Jobs, Options: fleet.Options{}})
	h := srv.Handler(nil)
	get := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	if get("/healthz") != http.StatusOK || get("/readyz") != http.StatusServiceUnavailable {
		t.Fatalf("before the first audit: healthz %d, readyz %d", get("/healthz"), get("/readyz"))
	}
	if err := srv.AuditOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if get("/readyz") != http.StatusOK {
		t.Errorf("after an audit readyz is %d", get("/readyz"))
	}
	if st := srv.State(); st == nil || len(st.Facts) != 3 || len(st.Audit.Clusters) != 3 {
		t.Errorf("state after the demo audit: %+v", st)
	}
}
