// Command removedapis writes rules/removed_apis.yaml, the deprecated- and removed-API table
// the upgrade rules judge with, from the community's data: Pluto's versions.yaml
// (FairwindsOps/pluto, Apache-2.0) plus fleetaudit's corrections and additions
// (overrides.yaml, each with its reason). Pluto is read as data only, never imported.
//
//	go run ./hack/removedapis                        # from the vendored copy (testdata/)
//	go run ./hack/removedapis -pluto-module v5.21.3  # from the module proxy (go mod download)
//	go run ./hack/removedapis -check                 # exit 1 when the file is not what it would write
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"
)

const (
	out       = "rules/removed_apis.yaml"
	vendored  = "hack/removedapis/testdata/pluto-versions.yaml"
	overrides = "hack/removedapis/overrides.yaml"
	module    = "github.com/fairwindsops/pluto/v5"
	// vendoredSource and vendoredVersion describe the vendored copy (testdata/SOURCE.md).
	vendoredSource  = "github.com/FairwindsOps/pluto, tag v5.24.0, commit dd5ec8cccce5e42dfe8054b8250baa35546056a0"
	vendoredVersion = "v5.24.0"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "removedapis:", err)
		os.Exit(1)
	}
}

func run() error {
	pluto := flag.String("pluto-module", "", "read versions.yaml from this version of "+module+" on the module proxy instead of the vendored copy")
	date := flag.String("date", "", "generation date written in the header (default: today, UTC; -check keeps the file's)")
	check := flag.Bool("check", false, "do not write; exit 1 when "+out+" differs from what would be written")
	flag.Parse()
	src, meta := vendored, Meta{Source: vendoredSource, PlutoVersion: vendoredVersion}
	if *pluto != "" {
		dir, err := download(*pluto)
		if err != nil {
			return err
		}
		src, meta = filepath.Join(dir, "versions.yaml"), Meta{Source: module + "@" + *pluto + " from the Go module proxy", PlutoVersion: *pluto}
	}
	meta.Date = *date
	if meta.Date == "" {
		meta.Date = time.Now().UTC().Format(time.DateOnly)
		if *check {
			old, _ := os.ReadFile(out)
			meta.Date = HeaderDate(old)
		}
	}
	p, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	o, err := os.ReadFile(overrides)
	if err != nil {
		return err
	}
	b, err := Generate(p, o, meta)
	if err != nil {
		return err
	}
	if *check {
		old, _ := os.ReadFile(out)
		if !bytes.Equal(old, b) {
			return fmt.Errorf("%s is not what hack/removedapis writes: run go run ./hack/removedapis", out)
		}
		return nil
	}
	return os.WriteFile(out, b, 0o644)
}

var dateRE = regexp.MustCompile(`(?m)^# Generated: (\d{4}-\d{2}-\d{2})\.$`)

// HeaderDate is the generation date a table's header records ("" when none).
func HeaderDate(table []byte) string {
	if m := dateRE.FindSubmatch(table); m != nil {
		return string(m[1])
	}
	return ""
}

// download fetches a Pluto version through the module proxy and returns its folder.
func download(version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	outb, err := cmd.Output()
	var info struct{ Dir, Error string }
	_ = json.Unmarshal(outb, &info)
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", module, version, err)
	}
	return info.Dir, nil
}
