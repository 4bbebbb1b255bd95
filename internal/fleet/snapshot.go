package fleet

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// SnapshotFileName is the file a cluster's facts are written to in a snapshot folder.
// Context names such as "arn:aws:eks:…:cluster/prod" become safe file names.
func SnapshotFileName(cluster string) string {
	return facts.FileStem(cluster) + ".json"
}

// WriteSnapshot writes one cluster's facts into dir atomically (temporary file + rename), so a
// killed run never leaves a torn document.
func WriteSnapshot(dir string, c *facts.Cluster) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode facts of %s: %w", c.Name, err)
	}
	return writeAtomic(filepath.Join(dir, SnapshotFileName(c.Name)), append(b, '\n'))
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// SnapshotFiles lists the facts documents of a snapshot folder, sorted.
func SnapshotFiles(dir string) ([]string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("snapshot folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("snapshot %s is not a folder (write one with: fleetaudit snapshot -o DIR)", dir)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("snapshot folder %s holds no *.json facts documents (write one with: fleetaudit snapshot -o DIR)", dir)
	}
	slices.Sort(files)
	return files, nil
}
