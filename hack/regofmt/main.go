// Command regofmt rewrites .rego files in place in `opa fmt` style (OPA's format package), so
// the Rego lint needs no separate opa binary. Usage: go run ./hack/regofmt DIR...
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/open-policy-agent/opa/v1/format"
)

func main() {
	failed := false
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out, err := format.SourceWithOpts(path, src, format.Opts{})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				failed = true
				return nil
			}
			if string(out) != string(src) {
				fmt.Println("formatted", path)
				return os.WriteFile(path, out, 0o644)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
