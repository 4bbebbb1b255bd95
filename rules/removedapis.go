package rules

import (
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
)

// RemovedAPIsYAML is the embedded removed-API table (rules/removed_apis.yaml).
//
//go:embed removed_apis.yaml
var RemovedAPIsYAML []byte

// RemovedAPI is one entry of the removed-API table: group/version of the listed kinds stop
// being served in RemovedIn ("1.25"); Replacement names what to use instead.
type RemovedAPI struct {
	Group       string   `json:"group"`
	Version     string   `json:"version"`
	Kinds       []string `json:"kinds"`
	RemovedIn   string   `json:"removedIn"`
	Replacement string   `json:"replacement"`
	// Scan is false for kinds not worth scanning for writes (default true).
	Scan *bool `json:"scan,omitempty"`
}

// Scanned reports whether objects of these kinds are scanned for writes with the old version.
func (r RemovedAPI) Scanned() bool { return r.Scan == nil || *r.Scan }

var minorRE = regexp.MustCompile(`^1\.\d+$`)

// ParseRemovedAPIs parses a removed-API table (YAML or JSON); name is used in errors.
func ParseRemovedAPIs(name string, b []byte) ([]RemovedAPI, error) {
	var out []RemovedAPI
	doc, err := yamlfile.Parse(name, b)
	if err == nil {
		err = doc.Decode(&out)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (want a list of {group, version, kinds, removedIn, replacement})", err)
	}
	for i, r := range out {
		switch {
		case r.Version == "" || len(r.Kinds) == 0:
			return nil, yamlfile.Errorf(name, doc.Line(strconv.Itoa(i)), "entry %d: version and kinds are required", i+1)
		case !minorRE.MatchString(r.RemovedIn):
			return nil, yamlfile.Errorf(name, doc.Line(strconv.Itoa(i), "removedIn"), "entry %d: removedIn %q is not a Kubernetes minor such as \"1.25\"", i+1, r.RemovedIn)
		}
	}
	return out, nil
}

// RemovedAPIs returns the embedded table plus the entries of the given files.
func RemovedAPIs(files ...string) ([]RemovedAPI, error) {
	out, err := ParseRemovedAPIs("rules/removed_apis.yaml", RemovedAPIsYAML)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read removed-API table: %w", err)
		}
		more, err := ParseRemovedAPIs(f, b)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}
