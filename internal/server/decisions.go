package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// DecisionLog keeps the gate's own decisions on admitted moves, per fleet cluster, in a
// folder beside the report history (never in an audited cluster): one JSON line per
// decision in DIR/<cluster>.jsonl. It tells which profile version a cluster was let move to
// and when, which the gate uses to recognise a rollback. A file over maxLogBytes is rotated
// to <cluster>.jsonl.1 (the one before is dropped), so the log stays bounded.
type DecisionLog struct {
	dir string
	mu  sync.Mutex
	// Writers, when set, are the callers whose admissions are history: the API server's
	// and Cluster API's identities (name or group). Decisions asked by anyone else are judged
	// but not recorded, so no other gate caller can write the history the rollback note
	// reads. Empty records every caller's.
	Writers []string
}

// writes reports whether a request's decision belongs in the history.
func (l *DecisionLog) writes(c Caller, known bool) bool {
	if len(l.Writers) == 0 {
		return true
	}
	return known && (slices.Contains(l.Writers, c.Name) || slices.ContainsFunc(c.Groups, func(g string) bool { return slices.Contains(l.Writers, g) }))
}

// DecisionRecord is one line of the log.
type DecisionRecord struct {
	Time    time.Time `json:"time"`
	Cluster string    `json:"cluster"`
	// Object is the admitted object ("Cluster capi/eu"), Source the endpoint (webhook, hook).
	Object  string   `json:"object"`
	Source  string   `json:"source"`
	Profile string   `json:"profile"`
	Target  string   `json:"targetVersion"`
	Allowed bool     `json:"allowed"`
	Reasons []string `json:"reasons"`
}

const maxLogBytes = 4 << 20

// NewDecisionLog opens (creating) the log folder.
func NewDecisionLog(dir string) (*DecisionLog, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("decision log: %w", err)
	}
	return &DecisionLog{dir: dir}, nil
}

// OpenDecisionLog opens an existing log folder to read (audit and report --decision-dir).
func OpenDecisionLog(dir string) (*DecisionLog, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("decision history: %w (give the folder serve --decision-dir writes)", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("decision history: %s is not a folder (give the folder serve --decision-dir writes)", dir)
	}
	return &DecisionLog{dir: dir}, nil
}

func (l *DecisionLog) file(cluster string) string {
	return filepath.Join(l.dir, facts.FileStem(cluster)+".jsonl")
}

// Record appends a decision.
func (l *DecisionLog) Record(r DecisionRecord) error {
	if l == nil {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.file(r.Cluster)
	if fi, err := os.Stat(p); err == nil && fi.Size()+int64(len(b)) > maxLogBytes {
		if err := os.Rename(p, p+".1"); err != nil {
			return fmt.Errorf("rotate decision log: %w", err)
		}
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("decision log: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("decision log: %w", err)
	}
	return f.Close()
}

// Allowed lists a cluster's allowed moves, oldest first (the rotated file, then the current).
func (l *DecisionLog) Allowed(cluster string) ([]DecisionRecord, error) {
	if l == nil {
		return nil, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []DecisionRecord
	for _, p := range []string{l.file(cluster) + ".1", l.file(cluster)} {
		f, err := os.Open(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var r DecisionRecord
			if json.Unmarshal(sc.Bytes(), &r) == nil && r.Allowed {
				out = append(out, r)
			}
		}
		f.Close()
	}
	return out, nil
}

// rollbackNote says, when target is a version the log shows the cluster was let move to
// before and the running version is newer, that the move is a rollback and to what. It does
// not change the decision: a rollback is judged like any move (a minor downgrade stays
// non-waivable).
func (l *DecisionLog) rollbackNote(cluster string, running *facts.Version, target string) string {
	if l == nil || running == nil {
		return ""
	}
	to, err := policy.ParseRelease(target)
	if err != nil || to.Minor != running.Minor || to.Patch >= running.Patch {
		return ""
	}
	past, err := l.Allowed(cluster)
	if err != nil {
		return ""
	}
	for i := len(past) - 1; i >= 0; i-- {
		if past[i].Target == target {
			return fmt.Sprintf("rollback: %s was let move to %s (%s) before, on %s", cluster, target, past[i].Profile, past[i].Time.UTC().Format(time.RFC3339))
		}
	}
	return ""
}
