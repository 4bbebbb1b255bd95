package rules

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
)

// ControlsYAML is the hand-kept part of the control catalog (NSA, PSS, FinOps) and
// ControlsCISYAML its generated CIS part (go run ./hack/controlcatalog).
//
//go:embed controls.yaml
var ControlsYAML []byte

//go:embed controls_cis.yaml
var ControlsCISYAML []byte

// Framework is one compliance framework of the control catalog.
type Framework struct {
	// Name is how rules cite it in custom.controls (CIS, NSA, PSS, FinOps).
	Name    string `json:"name"`
	Title   string `json:"title"`
	Version string `json:"version,omitempty"`
	Source  string `json:"source"`
	// Controls are in the framework's own order.
	Controls []ControlDef `json:"controls"`
}

// ControlDef is one control of a framework.
type ControlDef struct {
	ID      string `json:"id"`
	Section string `json:"section,omitempty"`
	Title   string `json:"title"`
}

// Catalog is the control catalog: the frameworks rules may cite, by name.
type Catalog struct {
	Frameworks []Framework
	index      map[string]map[string]int
}

// Lookup returns a control of a framework of the catalog; ok is false when the framework is
// in the catalog and the id is not, and known is false when the framework is not.
func (c *Catalog) Lookup(framework, id string) (def ControlDef, known, ok bool) {
	ids, known := c.index[framework]
	if !known {
		return ControlDef{}, false, false
	}
	i, ok := ids[id]
	if !ok {
		return ControlDef{}, true, false
	}
	fw := c.frameworkOf(framework)
	return fw.Controls[i], true, true
}

// Framework returns the framework named name, or nil.
func (c *Catalog) Framework(name string) *Framework { return c.frameworkOf(name) }

func (c *Catalog) frameworkOf(name string) *Framework {
	for i := range c.Frameworks {
		if c.Frameworks[i].Name == name {
			return &c.Frameworks[i]
		}
	}
	return nil
}

// Order is the position of a control in its framework (for sorting), or -1.
func (c *Catalog) Order(framework, id string) int {
	if i, ok := c.index[framework][id]; ok {
		return i
	}
	return -1
}

// ParseCatalog reads catalog files: either {frameworks: [...]} or one framework document.
func ParseCatalog(files map[string][]byte) (*Catalog, error) {
	c := &Catalog{index: map[string]map[string]int{}}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		doc, err := yamlfile.Parse(name, files[name])
		if err != nil {
			return nil, err
		}
		var many struct {
			Frameworks []Framework `json:"frameworks"`
		}
		var one Framework
		if err := doc.Decode(&many); err != nil || len(many.Frameworks) == 0 {
			if err := doc.Decode(&one); err != nil {
				return nil, err
			}
			many.Frameworks = []Framework{one}
		}
		for _, fw := range many.Frameworks {
			if fw.Name == "" || len(fw.Controls) == 0 {
				return nil, fmt.Errorf("%s: a framework needs a name and controls", name)
			}
			if _, dup := c.index[fw.Name]; dup {
				return nil, fmt.Errorf("%s: framework %s is defined twice", name, fw.Name)
			}
			ids := map[string]int{}
			for i, ctl := range fw.Controls {
				if ctl.ID == "" || ctl.Title == "" {
					return nil, fmt.Errorf("%s: framework %s: control %d needs an id and a title", name, fw.Name, i+1)
				}
				if _, dup := ids[ctl.ID]; dup {
					return nil, fmt.Errorf("%s: framework %s: control %s is listed twice", name, fw.Name, ctl.ID)
				}
				ids[ctl.ID] = i
			}
			c.index[fw.Name] = ids
			c.Frameworks = append(c.Frameworks, fw)
		}
	}
	slices.SortFunc(c.Frameworks, func(a, b Framework) int { return FrameworkRank(a.Name) - FrameworkRank(b.Name) })
	return c, nil
}

// FrameworkRank orders frameworks in the catalog and in reports: CIS, NSA, PSS, FinOps, K8s,
// then the rest.
func FrameworkRank(name string) int {
	if i := slices.Index([]string{"CIS", "NSA", "PSS", "FinOps", "K8s"}, name); i >= 0 {
		return i
	}
	return 100
}

// Controls is the embedded control catalog (parsed once; both files are tested to parse).
var Controls = sync.OnceValue(func() *Catalog {
	c, err := ParseCatalog(map[string][]byte{"rules/controls.yaml": ControlsYAML, "rules/controls_cis.yaml": ControlsCISYAML})
	if err != nil {
		panic(fmt.Sprintf("embedded control catalog: %v", err))
	}
	return c
})
