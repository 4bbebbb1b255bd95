package fleet

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
)

// DefaultMaxSnapshotFileSize bounds one facts document of a snapshot folder (--max-snapshot-size
// raises it). Documents of clusters with tens of thousands of objects are a few MiB.
const DefaultMaxSnapshotFileSize = 64 << 20

// SnapshotOptions tune how a snapshot folder is read.
type SnapshotOptions struct {
	// MaxFileSize bounds each document (default DefaultMaxSnapshotFileSize).
	MaxFileSize int64
	// Workers bounds how many documents are read at once (default 8): memory holds at most
	// that many documents.
	Workers int
}

func (o SnapshotOptions) withDefaults() SnapshotOptions {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxSnapshotFileSize
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	return o
}

// Snapshot is a snapshot folder whose every document was read and found valid, each cluster
// named once.
type Snapshot struct {
	Dir   string
	Files []SnapshotFile // sorted by path
	opts  SnapshotOptions
}

// SnapshotFile is one document of a Snapshot and the cluster it holds.
type SnapshotFile struct {
	Path    string
	Cluster string
}

// SnapshotError lists every problem found in a snapshot folder.
type SnapshotError struct {
	Dir      string
	Problems []string // "FILE: line N: PATH: what is wrong and how to fix it"
}

// maxListedProblems bounds how many problems the error's one line lists.
const maxListedProblems = 10

func (e *SnapshotError) Error() string {
	if len(e.Problems) == 1 {
		return "snapshot " + e.Problems[0]
	}
	shown, more := e.Problems, ""
	if len(shown) > maxListedProblems {
		shown, more = shown[:maxListedProblems], fmt.Sprintf("; and %d more", len(e.Problems)-maxListedProblems)
	}
	return fmt.Sprintf("snapshot folder %s: %d problems: %s%s", e.Dir, len(e.Problems), strings.Join(shown, "; "), more)
}

// OpenSnapshot reads every document of a snapshot folder, at most o.Workers at a time and
// each dropped once checked, and returns the folder when every document is a valid facts
// document (see facts.Decode) of at most o.MaxFileSize bytes and no two documents hold the
// same cluster. Otherwise the error is a *SnapshotError listing every problem, or the
// folder's own problem (missing, empty).
func OpenSnapshot(dir string, o SnapshotOptions) (*Snapshot, error) {
	o = o.withDefaults()
	paths, err := SnapshotFiles(dir)
	if err != nil {
		return nil, err
	}
	files := make([]SnapshotFile, len(paths))
	problems := make([]string, len(paths))
	sem := make(chan struct{}, o.Workers)
	var wg sync.WaitGroup
	for i, p := range paths {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			files[i].Path = p
			c, err := readFacts(p, o.MaxFileSize)
			if err != nil {
				problems[i] = err.Error()
				return
			}
			files[i].Cluster = c.Name
		})
	}
	wg.Wait()
	problems = slices.DeleteFunc(problems, func(p string) bool { return p == "" })
	byCluster := map[string]string{}
	for _, f := range files {
		if f.Cluster == "" {
			continue
		}
		if first, ok := byCluster[f.Cluster]; ok {
			problems = append(problems, fmt.Sprintf("%s and %s both hold cluster %q: a cluster is named once in a snapshot folder; remove one of the files", first, f.Path, f.Cluster))
			continue
		}
		byCluster[f.Cluster] = f.Path
	}
	if len(problems) > 0 {
		return nil, &SnapshotError{Dir: dir, Problems: problems}
	}
	return &Snapshot{Dir: dir, Files: files, opts: o}, nil
}

// Jobs reads each document again when its cluster is audited, so memory holds only the
// documents being audited. A document that changed since OpenSnapshot and is no longer valid,
// or holds another cluster, becomes a failed cluster; the rest of the fleet is still audited.
func (s *Snapshot) Jobs() []Job {
	jobs := make([]Job, 0, len(s.Files))
	for _, f := range s.Files {
		jobs = append(jobs, Job{Name: f.Cluster, Facts: func(context.Context, FinalFunc) *facts.Cluster {
			c, err := readFacts(f.Path, s.opts.MaxFileSize)
			if err == nil && c.Name != f.Cluster {
				err = fmt.Errorf("%s: holds cluster %q now, %q when the folder was checked", f.Path, c.Name, f.Cluster)
			}
			if err != nil {
				return &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: f.Cluster, Nodes: []facts.Node{},
					Collection: []facts.CollectorRun{{Collector: facts.IdentityCollector, Reason: collectors.ReasonError,
						Error: "read snapshot: " + err.Error()}}}
			}
			return c
		}})
	}
	return jobs
}

// ReadFacts reads and checks one facts document of at most DefaultMaxSnapshotFileSize bytes.
// Errors name the file, the line and the JSON path.
func ReadFacts(path string) (*facts.Cluster, error) {
	return readFacts(path, DefaultMaxSnapshotFileSize)
}

func readFacts(path string, limit int64) (*facts.Cluster, error) {
	b, err := sizelimit.ReadRegularFile(path, limit)
	if sizelimit.Is(err) {
		return nil, fmt.Errorf("%w (raise the limit with --max-snapshot-size)", err)
	}
	if err != nil {
		return nil, err
	}
	return DecodeFacts(path, b)
}

// DecodeFacts parses a facts document read from name (see facts.Decode).
func DecodeFacts(name string, b []byte) (*facts.Cluster, error) {
	c, err := facts.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}
