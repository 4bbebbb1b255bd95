// Package sizelimit reads input that someone else may have written — snapshot files, Helm
// release Secrets, kube-bench results, price tables — without trusting its size: a reader
// stops one byte past its limit and says so, so a huge or endless input costs at most the
// limit in memory and never hangs the audit on a read that does not end.
package sizelimit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Error is input larger than its limit.
type Error struct {
	// What names the input (a file, "decompressed Helm release").
	What  string
	Limit int64
	// Size is the input's size when known (a file's), else 0: reading stopped at the limit.
	Size int64
}

func (e *Error) Error() string {
	if e.Size > 0 {
		return fmt.Sprintf("%s is %s, over the limit of %s", e.What, Bytes(e.Size), Bytes(e.Limit))
	}
	return fmt.Sprintf("%s is over the limit of %s", e.What, Bytes(e.Limit))
}

// Read reads r to its end, or fails with an *Error as soon as it has read more than limit
// bytes. what names the input in the error.
func Read(r io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &Error{What: what, Limit: limit}
	}
	return b, nil
}

// ReadFile reads a file of at most limit bytes. A regular file's size is checked before it is
// read; anything else (a pipe, a device) is read up to the limit.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, &Error{What: path, Limit: limit, Size: st.Size()}
	}
	b, err := Read(f, limit, path)
	if err != nil && !Is(err) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, err
}

// ReadRegularFile is ReadFile for files found by listing a folder: anything but a regular
// file (after symbolic links) is refused without being read, and the file is opened
// non-blocking, so a FIFO that takes a regular file's place cannot stall the open.
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, st.Mode().Type())
	}
	if st.Size() > limit {
		return nil, &Error{What: path, Limit: limit, Size: st.Size()}
	}
	b, err := Read(f, limit, path)
	if err != nil && !Is(err) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, err
}

// Is reports whether err is (or wraps) an *Error.
func Is(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Bytes formats a size the way the limits are documented: "64 MiB", "1.5 KiB", "17 bytes";
// a size just over a whole unit is given in bytes.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	suffix := []string{"KiB", "MiB", "GiB", "TiB", "PiB"}[exp]
	if n%div == 0 {
		return fmt.Sprintf("%d %s", n/div, suffix)
	}
	if s := fmt.Sprintf("%.1f", v); s != fmt.Sprintf("%d.0", n/div) {
		return s + " " + suffix
	}
	return fmt.Sprintf("%d bytes", n) // just over a whole unit: "1.0 MiB" would hide it
}
