package profile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
)

// Catalog is every version of every ClusterProfile found in a folder: the history an
// operator keeps under version control and the gate resolves "name" or "name@version" in.
type Catalog struct {
	byName   map[string][]*Profile // oldest first
	warnings []Problem
}

// Problem is one thing wrong in a catalog: where it is, which field, and what to do.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	s := p.File
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
	}
	if p.Field != "" {
		s += ": " + p.Field
	}
	return s + ": " + p.Message
}

// CatalogError is every problem that stops a catalog from loading.
type CatalogError struct {
	Problems []Problem
}

func (e *CatalogError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].String()
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("%d problems in the profile catalog:\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// LoadCatalog reads a catalog: a ClusterProfile file, or a folder searched recursively for
// *.yaml and *.yml files (folders whose names start with a dot are skipped).
func LoadCatalog(path string) (*Catalog, error) { return LoadCatalogPaths([]string{path}) }

// LoadCatalogPaths reads one catalog from several files and folders. Every problem is
// collected; the error is a *CatalogError listing them all.
func LoadCatalogPaths(paths []string) (*Catalog, error) {
	files, problems := catalogFiles(paths)
	var profiles []*Profile
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			problems = append(problems, Problem{File: f, Message: fmt.Sprintf("read: %v", err)})
			continue
		}
		p, probs := parseCatalogDocument(f, b)
		problems = append(problems, probs...)
		if p != nil {
			profiles = append(profiles, p)
		}
	}
	c, errs := NewCatalog(profiles)
	if len(profiles) > 0 || len(problems) == 0 { // "holds no ClusterProfile" would repeat the problems
		problems = append(problems, errs...)
	}
	if len(problems) > 0 {
		return nil, &CatalogError{Problems: problems}
	}
	return c, nil
}

// catalogFiles lists the documents under paths, each once, folders in lexical order.
func catalogFiles(paths []string) ([]string, []Problem) {
	var files []string
	var problems []Problem
	seen := map[string]bool{}
	add := func(f string) {
		if key, err := filepath.Abs(f); err == nil && !seen[key] {
			seen[key] = true
			files = append(files, f)
		}
	}
	if len(paths) == 0 {
		return nil, []Problem{{File: ".", Message: "no catalog given: name a folder of ClusterProfile files"}}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			problems = append(problems, Problem{File: root, Message: "does not exist: give a ClusterProfile file or a folder of them"})
			continue
		}
		if !info.IsDir() {
			add(root) // named explicitly: read whatever its extension
			continue
		}
		found := 0
		err = filepath.WalkDir(root, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				problems = append(problems, Problem{File: f, Message: fmt.Sprintf("read: %v", err)})
				return nil
			}
			if d.IsDir() && f != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // .git and the like
			}
			if ext := strings.ToLower(filepath.Ext(f)); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
				found++
				add(f)
			}
			return nil
		})
		if err == nil && found == 0 {
			problems = append(problems, Problem{File: root, Message: "holds no *.yaml or *.yml files: point at the folder that holds the ClusterProfile documents"})
		}
	}
	return files, problems
}

// parseCatalogDocument parses one file of a catalog: a ClusterProfile, or problems that say
// why it is not one (one problem per invalid field).
func parseCatalogDocument(file string, b []byte) (*Profile, []Problem) {
	doc, err := yamlfile.Parse(file, b)
	if err != nil {
		return nil, []Problem{fileProblem(file, err)}
	}
	if doc.Empty() {
		return nil, []Problem{{File: file, Message: "is empty: a catalog file holds one ClusterProfile document; delete the file or fill it in"}}
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(b, &head); err != nil {
		return nil, []Problem{{File: file, Message: "is not a YAML mapping: a catalog file holds one ClusterProfile document"}}
	}
	if head.Kind != Kind {
		what := "a document without a kind"
		if head.Kind != "" {
			what = "a " + head.Kind + " (" + head.APIVersion + ")"
		}
		return nil, []Problem{{File: file, Field: "kind", Message: fmt.Sprintf("the file holds %s, not a %s %s: keep other YAML files out of the catalog folder", what, APIVersion, Kind)}}
	}
	p, err := decode(file, b)
	if err != nil {
		return nil, []Problem{fileProblem(file, err)}
	}
	var problems []Problem
	for _, e := range p.Validate() {
		field, msg, _ := strings.Cut(e, ": ")
		problems = append(problems, Problem{File: file, Field: field, Message: msg})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return p, nil
}

// fileProblem turns a parse error into a problem, keeping the line when yamlfile knows it.
func fileProblem(file string, err error) Problem {
	var ye *yamlfile.Error
	if e, ok := err.(*yamlfile.Error); ok {
		ye = e
	} else if u, ok := err.(interface{ Unwrap() error }); ok {
		ye, _ = u.Unwrap().(*yamlfile.Error)
	}
	if ye != nil {
		return Problem{File: ye.File, Line: ye.Line, Message: ye.Msg}
	}
	return Problem{File: file, Message: strings.TrimPrefix(err.Error(), file+": ")}
}

// NewCatalog builds a catalog from parsed profiles and checks them together (duplicates,
// layer ranges, the order of versions). It returns the problems that are errors; a nil
// catalog when there are any.
func NewCatalog(profiles []*Profile) (*Catalog, []Problem) {
	c := &Catalog{byName: map[string][]*Profile{}}
	for _, p := range profiles {
		c.byName[p.Metadata.Name] = append(c.byName[p.Metadata.Name], p)
	}
	var errs []Problem
	for _, name := range c.Names() {
		versions := c.byName[name]
		sort.SliceStable(versions, func(i, j int) bool {
			return CompareVersions(versions[i].Spec.Version, versions[j].Spec.Version) < 0
		})
		versions, dups := dropDuplicates(versions)
		errs = append(errs, dups...)
		c.byName[name] = versions
		errs = append(errs, checkOrder(versions)...)
		c.warnings = append(c.warnings, checkSteps(versions)...)
		for _, p := range versions {
			c.warnings = append(c.warnings, checkLayerRanges(p)...)
		}
	}
	if len(profiles) == 0 && len(errs) == 0 {
		errs = append(errs, Problem{File: ".", Message: "the catalog holds no ClusterProfile"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// Names are the profile names, sorted.
func (c *Catalog) Names() []string {
	names := make([]string, 0, len(c.byName))
	for n := range c.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Versions are the versions of a profile, oldest first (nil for an unknown name).
func (c *Catalog) Versions(name string) []*Profile { return slices.Clone(c.byName[name]) }

// Latest is the newest version of a profile (nil for an unknown name).
func (c *Catalog) Latest(name string) *Profile {
	if v := c.byName[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return nil
}

// Get is the profile with the ID "name@version", or nil.
func (c *Catalog) Get(id string) *Profile {
	name, version, _ := strings.Cut(id, "@")
	for _, p := range c.byName[name] {
		if p.Spec.Version == version {
			return p
		}
	}
	return nil
}

// All is every profile, by name, oldest version first.
func (c *Catalog) All() []*Profile {
	var all []*Profile
	for _, n := range c.Names() {
		all = append(all, c.byName[n]...)
	}
	return all
}

// Warnings are problems that do not stop the catalog from loading (validate prints them;
// --strict makes them errors).
func (c *Catalog) Warnings() []Problem { return slices.Clone(c.warnings) }

// Resolve finds a profile by reference: "name" is its newest version, "name@version" exactly
// that one. The error names what the catalog holds instead.
func (c *Catalog) Resolve(ref string) (*Profile, error) {
	name, version, pinned := strings.Cut(ref, "@")
	versions := c.byName[name]
	if len(versions) == 0 {
		return nil, fmt.Errorf("no profile %q in the catalog (it holds %s)", name, strings.Join(c.Names(), ", "))
	}
	if !pinned {
		return versions[len(versions)-1], nil
	}
	if p := c.Get(ref); p != nil {
		return p, nil
	}
	have := make([]string, len(versions))
	for i, p := range versions {
		have[i] = p.Spec.Version
	}
	return nil, fmt.Errorf("no version %s of profile %s in the catalog (it holds %s)", version, name, strings.Join(have, ", "))
}
