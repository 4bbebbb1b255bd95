package manifests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// StdinPath is the path that reads manifests from standard input; its documents' File is
// StdinFile.
const (
	StdinPath = "-"
	StdinFile = "<stdin>"
)

// manifestExts are the file extensions a folder is searched for.
var manifestExts = []string{".yaml", ".yml", ".json"}

// ManifestsInput reads plain manifests: a YAML or JSON file, a folder (every *.yaml, *.yml and
// *.json below it, recursively, in lexical order of their paths; hidden folders such as .git
// are skipped), or StdinPath for stdin. A file that cannot be read is an error naming it; the
// other files are still read.
func ManifestsInput(path string, stdin io.Reader) Input {
	return Input{Kind: KindManifests, Path: path, Read: func(ctx context.Context) ([]Document, error) {
		if path == StdinPath {
			if stdin == nil {
				return nil, errors.New("<stdin>: no standard input to read manifests from")
			}
			b, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("<stdin>: read: %w", err)
			}
			return SplitDocuments(StdinFile, b), nil
		}
		files, err := manifestFiles(path)
		if err != nil {
			return nil, err
		}
		var docs []Document
		var errs []error
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return docs, err
			}
			b, err := os.ReadFile(f)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: read: %w", filepath.ToSlash(f), unwrapPathError(err)))
				continue
			}
			docs = append(docs, SplitDocuments(filepath.ToSlash(f), b)...)
		}
		return docs, errors.Join(errs...)
	}}
}

// manifestFiles is path itself when it is a file (whatever its extension: the user named
// it), else the manifest files below it, sorted.
func manifestFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file or folder: give a manifest file, a folder of them, or - for stdin", path)
		}
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	var errs []error
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.ToSlash(p), unwrapPathError(err)))
			return nil
		}
		if d.IsDir() {
			if p != path && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if slices.Contains(manifestExts, strings.ToLower(filepath.Ext(p))) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	slices.Sort(files)
	if len(files) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: no *.yaml, *.yml or *.json file in this folder", filepath.ToSlash(path)))
	}
	return files, errors.Join(errs...)
}

// unwrapPathError drops the path an *fs.PathError repeats, as messages name it already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// SplitDocuments splits a YAML stream (JSON is one document) at its "---" separators into
// documents with the 1-based line each begins at. Documents holding only blank lines and
// comments are skipped; a document end marker ("...") ends a document.
func SplitDocuments(file string, b []byte) []Document {
	var out []Document
	start, startLine := 0, 1 // byte offset and line of the current document
	flush := func(end int) {
		if data := b[start:end]; !blank(data) {
			out = append(out, Document{File: file, Line: startLine, Data: data})
		}
	}
	line := 1
	for off := 0; off < len(b); line++ {
		next := len(b)
		if i := bytes.IndexByte(b[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		text := bytes.TrimRight(b[off:next], "\r\n")
		if marker(text, "---") || marker(text, "...") {
			flush(off)
			start, startLine = next, line+1
			if rest := bytes.TrimSpace(text[3:]); len(rest) > 0 && rest[0] != '#' && marker(text, "---") {
				// "--- value": the document starts on the separator's line.
				start, startLine = off+3, line
			}
		}
		off = next
	}
	flush(len(b))
	return out
}

// marker reports whether line is the document marker m alone or followed by a space.
func marker(line []byte, m string) bool {
	return bytes.HasPrefix(line, []byte(m)) && (len(line) == 3 || line[3] == ' ' || line[3] == '\t')
}

// blank reports whether data holds only whitespace, comments and YAML directives.
func blank(data []byte) bool {
	for l := range bytes.SplitSeq(data, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' && t[0] != '%' {
			return false
		}
	}
	return true
}
