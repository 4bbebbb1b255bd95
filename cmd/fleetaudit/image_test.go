package main

import (
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dockerStage is one FROM stage of the Dockerfile: its name and its instructions, with
// continuation lines joined and comments dropped.
type dockerStage struct {
	from, name string
	lines      []string
}

func parseDockerfile(t *testing.T, file string) []dockerStage {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var stages []dockerStage
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		if f := strings.Fields(line); f[0] == "FROM" {
			st := dockerStage{from: f[len(f)-1]}
			if len(f) >= 4 && strings.EqualFold(f[len(f)-2], "AS") {
				st.from, st.name = f[len(f)-3], f[len(f)-1]
			}
			stages = append(stages, st)
		}
		if len(stages) > 0 {
			stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, line)
		}
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		if s, ok := strings.CutSuffix(strings.TrimRight(l, " "), "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(l)
		flush()
	}
	flush()
	return stages
}

var (
	goInstall  = regexp.MustCompile(`go install (?:-\S+ (?:"[^"]*"|\S+) )*(\S+)@(\S+)`)
	exactPin   = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
	pluginRow  = regexp.MustCompile("^\\| `([^`]+)` \\| `(v[^`]+)` \\| `([^`]+)` \\|")
	downloader = regexp.MustCompile(`\b(curl|wget)\b|^ADD\s+https?://`)
)

// TestImagePluginsArePinnedAndDocumented: the cloud image installs every plugin with go
// install at an exact version, from the module proxy only, as static builds, and
// docs/images.md lists exactly those plugins, versions and modules; the default target
// (the last stage) has no plugin.
func TestImagePluginsArePinnedAndDocumented(t *testing.T) {
	stages := parseDockerfile(t, "../../Dockerfile")
	if len(stages) < 3 {
		t.Fatalf("want build, plugins, cloud and default stages, got %d", len(stages))
	}
	installed := map[string]string{} // plugin binary → version
	modules := map[string]string{}
	byName := map[string]dockerStage{}
	for _, st := range stages {
		byName[st.name] = st
		goStage := strings.HasPrefix(path.Base(st.from), "golang:")
		joined := strings.Join(st.lines, "\n")
		if goStage && !strings.Contains(joined, "CGO_ENABLED=0") {
			t.Errorf("stage %s builds Go without CGO_ENABLED=0: not a static binary", st.name)
		}
		if goStage && !strings.Contains(joined, "GOPROXY=$GOPROXY") {
			t.Errorf("stage %s does not set GOPROXY from the build arg", st.name)
		}
		for _, l := range st.lines {
			if downloader.MatchString(l) {
				t.Errorf("stage %s downloads outside the Go module proxy: %s", st.name, l)
			}
			for _, m := range goInstall.FindAllStringSubmatch(l, -1) {
				mod, ver := m[1], m[2]
				if !exactPin.MatchString(ver) {
					t.Errorf("go install %s@%s: want an exact version vX.Y.Z", mod, ver)
				}
				installed[path.Base(mod)], modules[path.Base(mod)] = ver, mod
			}
		}
	}
	if arg := regexp.MustCompile(`(?m)^ARG GOPROXY=(\S+)$`).FindStringSubmatch(readFile(t, "../../Dockerfile")); arg == nil ||
		strings.Contains(arg[1], "direct") || strings.Contains(arg[1], "off") {
		t.Errorf("the GOPROXY build arg must default to a module proxy without a direct fallback: %v", arg)
	}
	if len(installed) < 2 {
		t.Fatalf("the cloud image should install aws-iam-authenticator and kubelogin: %v", installed)
	}
	cloud, ok := byName["cloud"]
	if !ok || !slices.ContainsFunc(cloud.lines, func(l string) bool { return strings.HasPrefix(l, "COPY --from=plugins ") }) ||
		!slices.Contains(cloud.lines, "ENV HOME=/tmp") {
		t.Errorf("the cloud stage must copy the plugins and set HOME=/tmp: %v", cloud.lines)
	}
	last := stages[len(stages)-1]
	if slices.ContainsFunc(last.lines, func(l string) bool { return strings.Contains(l, "--from=plugins") }) {
		t.Errorf("the default (last) stage %s has the plugins", last.name)
	}

	documented, docModules := map[string]string{}, map[string]string{}
	for _, l := range strings.Split(readFile(t, "../../docs/images.md"), "\n") {
		if m := pluginRow.FindStringSubmatch(l); m != nil {
			documented[m[1]], docModules[m[1]] = m[2], m[3]
		}
	}
	if !maps.Equal(installed, documented) || !maps.Equal(modules, docModules) {
		t.Errorf("docs/images.md lists plugins %v from %v; the Dockerfile installs %v from %v", documented, docModules, installed, modules)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
