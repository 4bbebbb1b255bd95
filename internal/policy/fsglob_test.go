package policy

import (
	"io/fs"

	"github.com/fleetaudit/fleetaudit/rules"
)

func fsGlob(pattern string) ([]string, error) { return fs.Glob(rules.FS, pattern) }
