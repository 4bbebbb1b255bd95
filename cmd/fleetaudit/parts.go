package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/reports"
)

// partsFlags are report --parts-dir and --merge-timeout: the pods of an Indexed Job (one per
// shard) each write their part into one folder of the run, and the pod of index 0 waits for
// the others and writes the merged report — no shell, no second step (docs/scale.md).
type partsFlags struct {
	dir     string
	timeout time.Duration
	poll    time.Duration // how often pod 0 looks for the parts (tests shorten it)
}

// mergedMarker records, in the parts folder, that pod 0 merged the run and its exit code, so
// a retried pod 0 does not write the report twice.
const mergedMarker = "merged"

func (p *partsFlags) register(cmd *cobra.Command) {
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		fs.StringVar(&p.dir, "parts-dir", "", "with --shard/--shards: write this shard's part into the folder (one per run, e.g. named after the Job's uid); the shard of index 0 waits for every part and writes the merged report to --output-dir")
		fs.Var(durationFlag(&p.timeout, time.Hour, above[time.Duration](0)), "merge-timeout", "with --parts-dir: how long the shard of index 0 waits for the other parts before merging what is there (the missing shards are named)")
	})
	_ = cmd.MarkFlagDirname("parts-dir")
}

func (p *partsFlags) check(s fleet.Shard) error {
	if p.dir != "" && s.Whole() {
		return usagef("--parts-dir needs --shard I/N or --shards N (N > 1): the parts are the shards' reports")
	}
	return nil
}

// partFile is where shard i writes its part.
func (p *partsFlags) partFile(i int) string {
	return filepath.Join(p.dir, fmt.Sprintf("part-%d.json", i))
}

// mergedBefore reports the exit code of a merge done already in this parts folder.
func (p *partsFlags) mergedBefore() (int, bool) {
	b, err := os.ReadFile(filepath.Join(p.dir, mergedMarker))
	if err != nil {
		return 0, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return code, err == nil
}

// writeAndMerge writes r as shard s's part (whole or not at all: written aside, then renamed),
// and, on the shard of index 0, waits for every other part, then merges them into the
// report history at out. A shard that is not 0 exits 0 once its part is written: its
// clusters' problems are in the part, and so in the merged report.
func (p *partsFlags) writeAndMerge(ctx context.Context, r *reports.Report, s fleet.Shard, rep reportFlags, formats []string, out string, stdout io.Writer) (int, error) {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return exitUsage, fmt.Errorf("parts folder: %w", err)
	}
	tmp, err := os.CreateTemp(p.dir, ".part-*.tmp")
	if err != nil {
		return exitUsage, fmt.Errorf("write part: %w", err)
	}
	err = reports.Write(tmp, r, "json")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p.partFile(s.Index))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return exitUsage, fmt.Errorf("write part %s: %w", p.partFile(s.Index), err)
	}
	fmt.Fprintf(stdout, "wrote part %s of %d clusters to %s\n", s, len(r.Clusters), p.partFile(s.Index))
	if s.Index != 0 {
		return exitOK, nil
	}
	files := p.wait(ctx, s.Count)
	merged, err := mergeParts(files)
	if err != nil {
		return exitUsage, err
	}
	run, err := reports.History{Dir: out, Keep: rep.keep, KeepFor: rep.keepFor}.Write(merged, formats)
	if err != nil {
		return exitUsage, fmt.Errorf("write report: %w", err)
	}
	code := mergedExitCode(merged)
	if err := os.WriteFile(filepath.Join(p.dir, mergedMarker), []byte(strconv.Itoa(code)+"\n"), 0o644); err != nil {
		return exitUsage, fmt.Errorf("parts folder: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s report of %d of %d parts to %s (index: %s/index.html)\n", strings.Join(formats, ", "), len(files), s.Count, run, out)
	return code, nil
}

// wait returns the parts present once all n are, or when --merge-timeout (or ctx) ends.
func (p *partsFlags) wait(ctx context.Context, n int) []string {
	poll := p.poll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	deadline := time.Now().Add(p.timeout)
	for {
		var files []string
		for i := range n {
			if _, err := os.Stat(p.partFile(i)); err == nil {
				files = append(files, p.partFile(i))
			}
		}
		if len(files) == n || time.Now().After(deadline) || ctx.Err() != nil {
			return files
		}
		select {
		case <-ctx.Done():
		case <-time.After(poll):
		}
	}
}
