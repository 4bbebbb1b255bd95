package reports

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// chromium runs Debian's headless Chromium on a local file and returns the rendered DOM, the
// console messages (any is a failure for our pages: CSP violations and script errors show
// there), and a full-page screenshot.
func chromium(t *testing.T, file string) (dom string, console []string, screenshot string) {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but chromium is missing (apt-get install chromium): %v", err)
		}
		t.Skip("chromium not installed (apt-get install chromium)")
	}
	abs, _ := filepath.Abs(file)
	dir := t.TempDir()
	common := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0"}
	cmd := exec.Command(bin, append(common, "--dump-dom", "file://"+abs)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, stderr.String())
	}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, ":CONSOLE") {
			console = append(console, l)
		}
	}
	screenshot = filepath.Join(dir, "page.png")
	shot := exec.Command(bin, append(common, "--window-size=1200,3000", "--screenshot="+screenshot, "file://"+abs)...)
	if b, err := shot.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, b)
	}
	return string(out), console, screenshot
}

// TestChromiumHarnessSeesConsoleErrors proves the check below can fail: a page with a script
// and an external image logs CSP violations.
func TestChromiumHarnessSeesConsoleErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.html")
	os.WriteFile(p, []byte(`<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"></head><body><img src="http://example.invalid/x.png"><script>nope()</script></body></html>`), 0o644)
	_, console, _ := chromium(t, p)
	if len(console) < 2 {
		t.Fatalf("expected console errors for a script and an external image, got %v", console)
	}
}

// TestHTMLReportInChromium opens the report in headless Chromium: no console errors (so no
// external asset was even attempted), the key sections are in the rendered DOM, and a
// screenshot renders.
func TestHTMLReportInChromium(t *testing.T) {
	r := demoReport(t)
	r.Diff(&Report{GeneratedAt: r.GeneratedAt.Add(-24 * 3600e9), Clusters: r.Clusters[1:]})
	files, err := Render(r, "html")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(p, files["report.html"], 0o644); err != nil {
		t.Fatal(err)
	}
	dom, console, shot := chromium(t, p)
	if len(console) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(console, "\n"))
	}
	for _, want := range []string{`<section id="summary">`, `<section id="scores">`, `<section id="changes">`, `<section id="findings">`,
		`<section id="cost">`, `<section id="upgrade">`, "Fleet compliance report", "Changes since", "<svg", "FA-RBAC-001", "Set readOnlyPort to 0"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 2000 {
		t.Errorf("screenshot %v", b)
	}
}
