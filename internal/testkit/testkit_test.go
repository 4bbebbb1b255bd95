package testkit

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryImportsNoTestHelper: the fleetaudit binary depends on no package of testkit.
func TestBinaryImportsNoTestHelper(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/fleetaudit/fleetaudit/cmd/fleetaudit").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list gave %d packages: %s", len(deps), out)
	}
	for _, p := range deps {
		if strings.Contains(p, "/internal/testkit") {
			t.Errorf("the binary imports %s", p)
		}
	}
}
