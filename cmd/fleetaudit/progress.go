package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns a progress reporter that redraws one status line on a terminal
// ("[3/10] prod-eu-west done"), and nil (no output at all) anywhere else.
func newProgress(w io.Writer) func(done, total int, cluster string, finished bool) {
	if w == nil || !isTerminal(w) {
		return nil
	}
	var mu sync.Mutex
	return func(done, total int, cluster string, finished bool) {
		mu.Lock()
		defer mu.Unlock()
		state := "auditing"
		if finished {
			state = "done"
		}
		fmt.Fprintf(w, "\r\033[K[%d/%d] %s %s", done, total, cluster, state)
		if done == total && finished {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
