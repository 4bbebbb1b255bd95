// Package testcluster starts real Kubernetes API servers (kube-apiserver + etcd, one pair per
// cluster) on loopback ports for integration tests, writes a kubeconfig with one context per
// cluster, and seeds objects through the API. Nothing is faked below the API: status is set
// through the status subresource.
//
// The binaries come from hack/build-test-binaries.sh (default folder .cache/bin at the
// repository root, or $FLEETAUDIT_BIN_DIR). Tests skip when they are absent, unless $CI is
// set, in which case they fail: CI must run them.
package testcluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Binaries are the paths of the real parts.
type Binaries struct {
	APIServer string
	Etcd      string
	KubeBench string
}

// FindBinaries locates the binaries built by hack/build-test-binaries.sh.
func FindBinaries() (Binaries, error) {
	dir := os.Getenv("FLEETAUDIT_BIN_DIR")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			return Binaries{}, err
		}
		dir = filepath.Join(root, ".cache", "bin")
	}
	b := Binaries{
		APIServer: filepath.Join(dir, "kube-apiserver"),
		Etcd:      filepath.Join(dir, "etcd"),
		KubeBench: filepath.Join(dir, "kube-bench"),
	}
	if _, err := os.Stat(b.Etcd); err != nil {
		if p, lerr := exec.LookPath("etcd"); lerr == nil {
			b.Etcd = p
		}
	}
	for _, p := range []string{b.APIServer, b.Etcd} {
		if _, err := os.Stat(p); err != nil {
			return b, fmt.Errorf("%s not found (run hack/build-test-binaries.sh): %w", p, err)
		}
	}
	return b, nil
}

// RequireBinaries returns the binaries, or skips the test when they are absent and $CI is
// unset; under CI a missing binary fails the test.
func RequireBinaries(t testing.TB) Binaries {
	t.Helper()
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("skipping integration test in -short mode")
	}
	b, err := FindBinaries()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the test binaries are missing: %v", err)
		}
		t.Skipf("skipping integration test: %v", err)
	}
	return b
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
