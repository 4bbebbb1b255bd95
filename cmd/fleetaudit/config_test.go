package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigValidateIsTheCommandsValidation: a value a command rejects, config validate
// rejects too, with the same words (the flag's own check: rangeflag.go, enumflag.go), naming
// the key, the value and what is allowed; the command line says the same about the flag.
func TestConfigValidateIsTheCommandsValidation(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "fleetaudit.yaml")
	for _, tc := range []struct{ key, value, want string }{
		{"fail-on", "hihg", `"hihg" is not one of info, low, medium, high, critical, none`},
		{"fail-on", "high,low", `"high,low" is not one of info, low, medium, high, critical, none`},
		{"qps", "0", "0 is out of range: want a number > 0"},
		{"qps", "NaN", `"NaN" is not a number`},
		{"burst", "0", "0 is out of range: want an integer >= 1"},
		{"page-size", "-1", "-1 is out of range: want an integer >= 1"},
		{"workers", "0", "0 is out of range: want an integer >= 1"},
		{"timeout", "0s", "0s is out of range: want a duration > 0s"},
		{"eval-timeout", "-1s", "-1s is out of range: want a duration > 0s"},
		{"eval-timeout", "soon", `"soon" is not a duration`},
		{"max-findings-per-rule", "0", "0 is out of range: want an integer >= 1"},
		{"spot-fallback-discount", "1", "1 is out of range: want a number in [0, 1)"},
		{"keep", "-2", "-2 is out of range: want an integer >= 0"},
	} {
		write(t, cfg, "log-level: info\n"+tc.key+": "+tc.value+"\n")
		inFile := cfg + ":2: " + tc.key + ": " + tc.want
		if code, _, errOut := runCLI(t, "config", "validate", cfg); code != exitUsage || errOut != "fleetaudit config validate: "+inFile+"\n" {
			t.Errorf("config validate %s: %s: exit %d, stderr %q, want %q", tc.key, tc.value, code, errOut, inFile)
		}
		cmd, args := "audit", []string{"audit", "--demo"}
		if strings.HasPrefix(tc.key, "keep") {
			cmd, args = "report", []string{"report", "--demo", "--output-dir", t.TempDir()}
		}
		if code, _, errOut := runCLI(t, append(args, "--config", cfg)...); code != exitUsage || errOut != "fleetaudit "+cmd+": "+inFile+"\n" {
			t.Errorf("%s --config with %s: %s: exit %d, stderr %q, want %q", cmd, tc.key, tc.value, code, errOut, inFile)
		}
		args = append(args, "--"+tc.key, tc.value)
		onLine := `invalid argument "` + tc.value + `" for "--` + tc.key + `" flag: ` + tc.want
		if code, _, errOut := runCLI(t, args...); code != exitUsage || !strings.Contains(errOut, onLine) {
			t.Errorf("%s --%s %s: exit %d, stderr %q, want %q", cmd, tc.key, tc.value, code, errOut, onLine)
		}
	}
	write(t, cfg, "qps: 0.5\nburst: 1\npage-size: 1\neval-timeout: 1ms\nmax-findings-per-rule: 1\njitter: 1\nspot-fallback-discount: 0\nkeep: 0\n")
	if code, out, errOut := runCLI(t, "config", "validate", cfg); code != exitOK {
		t.Errorf("the range limits themselves: exit %d %q %q", code, out, errOut)
	}
}
